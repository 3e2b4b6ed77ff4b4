package dev.liaison.store;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoException;
import com.mongodb.MongoServerException;
import com.mongodb.MongoWriteException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.InsertManyOptions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bson.Document;

/**
 * Recognises "this key is already stored" however the store words it: MongoDB's duplicate-key
 * error (code 11000), and the embedded store's generic {@code Document with key '…' already
 * existed in H2Collection(…)} (code -1), which it raises instead when a document is stored but
 * its {@code _id} index entry is missing (a store torn by a crash of an older Liaison, until the
 * next start-up repairs it). That generic error fails the whole insert command rather than one
 * document of it.
 */
public final class DuplicateKeys {

    public static final int DUPLICATE_KEY = 11000;

    private static final Pattern GENERIC = Pattern.compile("Document with key '(.*?)' already existed in H2Collection",
            Pattern.DOTALL);

    private DuplicateKeys() {}

    /** True when the failure says the key is already stored. */
    public static boolean isDuplicate(MongoException e) {
        if (e instanceof MongoWriteException w) {
            return w.getError().getCode() == DUPLICATE_KEY || w.getError().getCategory() == ErrorCategory.DUPLICATE_KEY
                    || isGeneric(w.getError().getMessage());
        }
        if (e instanceof MongoBulkWriteException b) {
            return !b.getWriteErrors().isEmpty() && b.getWriteErrors().stream().allMatch(DuplicateKeys::isDuplicate);
        }
        return e.getCode() == DUPLICATE_KEY || (e instanceof MongoServerException && isGeneric(e.getMessage()));
    }

    public static boolean isDuplicate(BulkWriteError error) {
        return error.getCode() == DUPLICATE_KEY || error.getCategory() == ErrorCategory.DUPLICATE_KEY
                || isGeneric(error.getMessage());
    }

    private static boolean isGeneric(String message) {
        return message != null && GENERIC.matcher(message).find();
    }

    /**
     * Inserts the documents (unordered) and returns the positions in {@code docs} of those whose key
     * was already stored; any other failure is thrown. One round trip, unless the embedded store
     * answers with its generic error: then the documents after the one it names are sent again
     * (those before it were handled), once per such document.
     */
    public static Set<Integer> insertMany(MongoCollection<Document> collection, List<Document> docs) {
        Set<Integer> duplicates = new HashSet<>();
        int from = 0;
        while (from < docs.size()) {
            List<Document> batch = docs.subList(from, docs.size());
            try {
                collection.insertMany(batch, new InsertManyOptions().ordered(false));
                return duplicates;
            } catch (MongoBulkWriteException e) {
                for (BulkWriteError error : e.getWriteErrors()) {
                    if (!isDuplicate(error)) {
                        throw e;
                    }
                    duplicates.add(from + error.getIndex());
                }
                return duplicates;
            } catch (MongoServerException e) {
                int at = genericDuplicateIndex(e, batch);
                if (at < 0) {
                    throw e;
                }
                // The documents before it were stored or already there: either way they are stored.
                duplicates.add(from + at);
                from += at + 1;
            }
        }
        return duplicates;
    }

    /** The position in {@code batch} of the document the generic error names, or -1. */
    private static int genericDuplicateIndex(MongoException e, List<Document> batch) {
        Matcher m = GENERIC.matcher(e.getMessage() == null ? "" : e.getMessage());
        if (!m.find()) {
            return -1;
        }
        String key = m.group(1);
        List<Integer> candidates = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            if (key.equals(String.valueOf(batch.get(i).get("_id")))) {
                candidates.add(i);
            }
        }
        return candidates.isEmpty() ? -1 : candidates.get(0);
    }
}
