package dev.liaison.story;

/**
 * A readable file that holds no user story (a README, a file with no title, a one-liner): it is
 * skipped with this reason, and is not an import failure.
 */
public final class NotAStoryException extends StoryFormatException {
    public NotAStoryException(String message) {
        super(message);
    }
}
