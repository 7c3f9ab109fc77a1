package dev.duplex.image.control;

import dev.duplex.image.entity.ErrorCode;
import dev.duplex.image.entity.ImageReply.OperationInfo;
import dev.duplex.image.entity.Step;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Every operation {@code /image} offers, with its parameters, and the one place where a requested
 * {@link Step} becomes an {@link ImageOperation}: unknown names and bad parameters are refused
 * here, with the valid choices.
 */
public final class OperationCatalog {

    /** The longest chain one request may ask for. */
    public static final int MAX_OPERATIONS = 16;

    private record Definition(String name, String description, List<Parameter> parameters,
                              Function<Map<String, Object>, ImageOperation> factory) {
    }

    private final Map<String, Definition> definitions = new LinkedHashMap<>();

    public OperationCatalog() {
        define(Echo.NAME, "The image comes back byte for byte as it was sent (after checking that it is an image).",
                List.of(), p -> new Echo());
        define(Reencode.NAME, "Decodes the image and encodes it again in the output format, pixels unchanged.",
                List.of(), p -> new Reencode());
        define(Grayscale.NAME, "Rec. 601 luma (0.299 R + 0.587 G + 0.114 B) in red, green and blue.",
                List.of(), p -> new Grayscale());
        define(Invert.NAME, "Each colour channel becomes 255 minus itself.", List.of(), p -> new Invert());
        define(Sepia.NAME, "The classic sepia tone matrix.", List.of(), p -> new Sepia());
        define(Blur.NAME, "Three box blurs of the radius: about a Gaussian blur with σ ≈ radius + ½.",
                List.of(Parameter.integer("radius", 1, 50, 3, "Box radius in pixels.")),
                p -> new Blur((Integer) p.get("radius")));
        define(Sharpen.NAME, "A 3×3 sharpening kernel; amount 1 is [0,-1,0; -1,5,-1; 0,-1,0].",
                List.of(Parameter.number("amount", 0.1, 5, 1, "Strength of the sharpening.")),
                p -> new Sharpen((Double) p.get("amount")));
        define(Edges.NAME, "Sobel edge magnitude of the luma: light edges on black.", List.of(), p -> new Edges());
        define(Threshold.NAME, "Pixels whose luma reaches the level become white, the others black.",
                List.of(Parameter.integer("level", 0, 255, 128, "Luma from which a pixel is white.")),
                p -> new Threshold((Integer) p.get("level")));
        define(Rotate.NAME, "Turns the image clockwise.",
                List.of(Parameter.integerOf("degrees", List.of(90, 180, 270), 90, "Clockwise angle.")),
                p -> new Rotate((Integer) p.get("degrees")));
        define(Flip.NAME, "Mirrors the image: h left to right, v top to bottom.",
                List.of(Parameter.choice("direction", List.of("h", "v"), "h", "h (horizontal) or v (vertical).")),
                p -> new Flip("h".equals(p.get("direction"))));
        define(Resize.NAME, "Scales the image down to fit the box, keeping its aspect ratio (never enlarges).",
                List.of(Parameter.integer("maxWidth", 1, 16384, 800, "Largest width in pixels."),
                        Parameter.integer("maxHeight", 1, 16384, 800, "Largest height in pixels.")),
                p -> new Resize((Integer) p.get("maxWidth"), (Integer) p.get("maxHeight")));
        define(Pixelate.NAME, "Paints each block × block cell with its average colour.",
                List.of(Parameter.integer("block", 2, 256, 8, "Cell size in pixels.")),
                p -> new Pixelate((Integer) p.get("block")));
    }

    private void define(String name, String description, List<Parameter> parameters,
                        Function<Map<String, Object>, ImageOperation> factory) {
        definitions.put(name, new Definition(name, description, parameters, factory));
    }

    /** The operation names, in the order the catalog lists them. */
    public List<String> names() {
        return List.copyOf(definitions.keySet());
    }

    /** The names of the parameters the operation takes; empty for an unknown one. */
    public List<String> parameterNames(String operation) {
        Definition definition = definitions.get(operation.toLowerCase(Locale.ROOT));
        return definition == null ? List.of() : definition.parameters().stream().map(Parameter::name).toList();
    }

    /** "radius: an integer from 1 to 50 (default 3)" for each parameter of the operation. */
    public List<String> usage(String operation) {
        Definition definition = definitions.get(operation.toLowerCase(Locale.ROOT));
        return definition == null ? List.of() : definition.parameters().stream().map(Parameter::usage).toList();
    }

    /** Checks the name, then each parameter; parameters left out take their defaults. */
    public ImageOperation create(Step step) throws ImageException {
        Definition definition = definitions.get(step.op().trim().toLowerCase(Locale.ROOT));
        if (definition == null) {
            throw new ImageException(ErrorCode.UNKNOWN_OPERATION,
                    "Unknown operation " + ImageException.quote(step.op()), names());
        }
        Map<String, Parameter> declared = new HashMap<>();
        definition.parameters().forEach(p -> declared.put(p.name(), p));
        for (String given : step.parameters().keySet()) {
            if (!declared.containsKey(given)) {
                String takes = declared.isEmpty() ? " takes no parameters" : " has no parameter " + ImageException.quote(given);
                throw new ImageException(ErrorCode.BAD_PARAMETER, definition.name() + takes, usage(definition.name()));
            }
        }
        Map<String, Object> values = new HashMap<>();
        for (Parameter parameter : definition.parameters()) {
            Object raw = step.parameters().get(parameter.name());
            values.put(parameter.name(), raw == null ? parameter.defaultValue() : parameter.read(definition.name(), raw));
        }
        return definition.factory().apply(values);
    }

    /** A whole chain; an empty one is {@code echo}. */
    public List<ImageOperation> chain(List<Step> steps) throws ImageException {
        if (steps.size() > MAX_OPERATIONS) {
            throw new ImageException(ErrorCode.BAD_PARAMETER,
                    "A chain may hold at most " + MAX_OPERATIONS + " operations, not " + steps.size(), names());
        }
        if (steps.isEmpty()) {
            return List.of(new Echo());
        }
        List<ImageOperation> operations = new ArrayList<>(steps.size());
        for (Step step : steps) {
            operations.add(create(step));
        }
        return List.copyOf(operations);
    }

    /** Every operation with its parameters, for the {@code operations} reply. */
    public List<OperationInfo> describe() {
        return definitions.values().stream()
                .map(d -> new OperationInfo(d.name(), d.description(), d.parameters().stream().map(Parameter::info).toList()))
                .toList();
    }
}
