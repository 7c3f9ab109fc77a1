package dev.duplex.image.control;

import dev.duplex.image.entity.ErrorCode;
import dev.duplex.image.entity.ImageFormat;
import dev.duplex.image.entity.Step;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The settings a plain client chooses in the connect URL:
 * {@code /image?op=blur&radius=3}, {@code /image?op=resize,grayscale&maxWidth=640&format=jpeg&quality=0.8}.
 * <ul>
 * <li>{@code op}: one operation or a comma-separated chain; may be repeated; left out means {@code echo};</li>
 * <li>{@code format} ({@code png} or {@code jpeg}) and {@code quality} (0 to 1);</li>
 * <li>any other key is a parameter of the operations in the chain that take it (parameter names
 * are unique per operation, so {@code radius} goes to {@code blur}).</li>
 * </ul>
 * Unknown operations or keys, keys given twice and out-of-range values are refused with the
 * valid choices.
 */
public final class QueryParameters {

    static final String OP = "op";
    static final String FORMAT = "format";
    static final String QUALITY = "quality";

    private QueryParameters() {
    }

    public static Pipeline parse(Map<String, List<String>> query, OperationCatalog catalog) throws ImageException {
        List<String> names = new ArrayList<>();
        for (String value : query.getOrDefault(OP, List.of())) {
            for (String name : value.split(",")) {
                if (!name.isBlank()) {
                    names.add(name.trim());
                }
            }
        }
        for (String name : names) {
            if (!catalog.names().contains(name.toLowerCase(java.util.Locale.ROOT))) {
                throw new ImageException(ErrorCode.UNKNOWN_OPERATION,
                        "Unknown operation " + ImageException.quote(name), catalog.names());
            }
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> entry : query.entrySet()) {
            String key = entry.getKey();
            if (key.equals(OP)) {
                continue;
            }
            if (entry.getValue().size() != 1) {
                throw new ImageException(ErrorCode.BAD_PARAMETER,
                        "Query parameter " + ImageException.quote(key) + " must be given once", valid(names, catalog));
            }
            parameters.put(key, entry.getValue().get(0));
        }
        List<Step> steps = new ArrayList<>();
        Set<String> used = new LinkedHashSet<>();
        for (String name : names) {
            Map<String, Object> own = new LinkedHashMap<>();
            for (String parameter : catalog.parameterNames(name)) {
                if (parameters.containsKey(parameter)) {
                    own.put(parameter, parameters.get(parameter));
                    used.add(parameter);
                }
            }
            steps.add(new Step(name, own));
        }
        for (String key : parameters.keySet()) {
            if (!key.equals(FORMAT) && !key.equals(QUALITY) && !used.contains(key)) {
                throw new ImageException(ErrorCode.BAD_PARAMETER, "Unknown query parameter " + ImageException.quote(key)
                        + (names.isEmpty() ? "" : " for " + String.join(",", names)), valid(names, catalog));
            }
        }
        ImageFormat format = parameters.containsKey(FORMAT) ? Pipeline.outputFormat(parameters.get(FORMAT))
                : Pipeline.DEFAULT.format();
        double quality = parameters.containsKey(QUALITY) ? Pipeline.quality(number(parameters.get(QUALITY)))
                : Pipeline.DEFAULT.quality();
        return new Pipeline(catalog.chain(steps), format, quality);
    }

    private static double number(String text) throws ImageException {
        try {
            return Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            return Pipeline.quality(Double.NaN);
        }
    }

    /** What may appear in the query of a connection with this chain. */
    private static List<String> valid(List<String> names, OperationCatalog catalog) {
        List<String> valid = new ArrayList<>();
        valid.add(OP + ": " + String.join(", ", catalog.names()) + " (comma-separated for a chain)");
        valid.add(FORMAT + ": " + String.join(", ", ImageFormat.writableNames()));
        valid.add(QUALITY + ": a number from 0 to 1");
        names.stream().distinct().forEach(name -> valid.addAll(catalog.usage(name)));
        return valid;
    }
}
