package io.pointmesh.events.partner;

import java.math.BigDecimal;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Earn-rate overrides (store code or category to rate) as stored text: one "key=rate" line each,
 * sorted by key. Keys are store codes and category slugs, which never contain '=' or newlines.
 */
public final class RateOverrides {

    private RateOverrides() {}

    public static String toText(Map<String, BigDecimal> rates) {
        if (rates == null) {
            return "";
        }
        return new TreeMap<>(rates)
                .entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue().toPlainString())
                        .collect(Collectors.joining("\n"));
    }

    public static Map<String, BigDecimal> fromText(String text) {
        Map<String, BigDecimal> rates = new TreeMap<>();
        if (text == null) {
            return rates;
        }
        for (String line : text.split("\n")) {
            int eq = line.lastIndexOf('=');
            if (eq > 0) {
                rates.put(line.substring(0, eq), new BigDecimal(line.substring(eq + 1)));
            }
        }
        return rates;
    }
}
