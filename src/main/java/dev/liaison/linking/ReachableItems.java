package dev.liaison.linking;

import java.util.List;
import java.util.Map;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.ConstantScoreQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;

/**
 * The items that can reach a cosine with a story's unit: every one of them, not the best few a
 * search ranks (that depended on ties and on BM25, so a story linked after the items could miss
 * one the items' own pass had put in its list: the result depended on the order things came).
 * <p>
 * The bound: with {@code a} the unit's weights and {@code b} the item's (both unit length), the
 * cosine is the sum over the terms both hold of {@code a·b}, which by Cauchy-Schwarz is at most
 * the square root of the sum of {@code a²} over those terms. So an item can reach {@code t} only
 * when the squared weights of the unit's terms it contains add up to {@code t²}; the index finds
 * exactly those items (one constant-score clause per term, scored {@code a²}). Depends only on
 * which terms an item has, so it holds whatever the document frequencies are now.
 */
final class ReachableItems {

    /** What float sums of the squared weights may be off by (a candidate too many is harmless). */
    static final float SLACK = 1e-4f;

    private ReachableItems() {}

    /** The query whose score for an item is the squared weight of the unit's terms it contains. */
    static Query query(Map<String, Double> weights) {
        BooleanQuery.Builder q = new BooleanQuery.Builder();
        for (Map.Entry<String, Double> e : weights.entrySet()) {
            double w = e.getValue();
            q.add(new BoostQuery(new ConstantScoreQuery(new TermQuery(new Term("body", e.getKey()))), (float) (w * w)),
                    BooleanClause.Occur.SHOULD);
        }
        return q.build();
    }

    /** The ids of the items whose cosine with a unit of these weights may reach {@code threshold}. */
    static List<String> of(ItemIndex items, Map<String, Double> weights, double threshold) {
        return of(items, weights, threshold, Integer.MAX_VALUE);
    }

    /**
     * {@link #of(ItemIndex, Map, double)}, or null when more than {@code max} items may reach the
     * threshold (the bound is loose for a story's common words: in a large corpus thousands of
     * items can pass it, too many to score exactly and hold in memory).
     */
    static List<String> of(ItemIndex items, Map<String, Double> weights, double threshold, int max) {
        if (weights == null || weights.isEmpty() || items.isEmpty()) {
            return List.of();
        }
        return items.reaching(query(weights), (float) (threshold * threshold) - SLACK, max);
    }
}
