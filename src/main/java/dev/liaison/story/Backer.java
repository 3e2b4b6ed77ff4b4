package dev.liaison.story;

import java.util.Objects;

/** An organisation that backs a story, with the rank it gave it (1 = its first pick of five; 0 = unranked). */
public record Backer(String organisation, int rank) {

    public Backer {
        Objects.requireNonNull(organisation, "organisation");
        organisation = organisation.strip();
        if (organisation.isEmpty()) {
            throw new IllegalArgumentException("a backer needs an organisation");
        }
        if (rank < 0 || rank > 5) {
            throw new IllegalArgumentException("the rank of " + organisation + " must be 1..5 (or 0 for unranked), not " + rank);
        }
    }
}
