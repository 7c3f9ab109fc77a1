package dev.duplex.image.boundary;

import dev.duplex.image.entity.ImageReply;
import dev.duplex.image.entity.ImageReply.Catalog;
import dev.duplex.image.entity.ImageReply.Configured;
import dev.duplex.image.entity.ImageReply.Failure;
import dev.duplex.image.entity.ImageReply.Limits;
import dev.duplex.image.entity.ImageReply.OperationInfo;
import dev.duplex.image.entity.ImageReply.ParameterInfo;
import dev.duplex.image.entity.ImageReply.Result;
import dev.duplex.image.entity.Step;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonBuilderFactory;
import jakarta.json.JsonObjectBuilder;
import jakarta.websocket.Encoder;
import java.util.List;
import java.util.Map;

/**
 * Writes {@code /image}'s text replies as JSON (JSON-P). The shapes:
 *
 * <pre>
 * {"type":"result", "seq":1, "ops":[{"op":"blur","radius":3}],
 *  "inputFormat":"png", "outputFormat":"png", "inputWidth":640, "inputHeight":480,
 *  "width":640, "height":480, "inputBytes":81234, "outputBytes":80211,
 *  "queueMs":0.1, "serverMs":12.4}                      then one binary message: the image
 *
 * {"type":"error", "seq":2, "code":"not-an-image", "message":"…", "valid":["png","jpeg",…]}
 *                                                       seq only when it answers an image
 *
 * {"type":"configured", "ops":[{"op":"grayscale"}], "format":"png", "quality":0.9}
 *
 * {"type":"operations",
 *  "operations":[{"op":"blur", "description":"…",
 *                 "parameters":[{"name":"radius","type":"integer","min":1,"max":50,"default":3,
 *                                "description":"…"}]}, …],
 *  "inputFormats":["png","jpeg","gif","bmp","webp"], "outputFormats":["png","jpeg"],
 *  "limits":{"maxMessageBytes":16777216, "maxControlBytes":8192, "maxPixels":40000000,
 *            "maxOutputBytes":67108864, "maxOperations":16, "maxPendingImages":4}}
 * </pre>
 *
 * Every step in {@code ops} carries all of its operation's parameters with the values used.
 * Parameters of type {@code choice} and integers limited to some values carry {@code choices}.
 */
public class ImageReplyEncoder implements Encoder.Text<ImageReply> {

    private static final JsonBuilderFactory JSON = Json.createBuilderFactory(Map.of());

    @Override
    public String encode(ImageReply reply) {
        JsonObjectBuilder json = JSON.createObjectBuilder();
        if (reply instanceof Result result) {
            json.add("type", "result")
                    .add("seq", result.seq())
                    .add("ops", steps(result.ops()))
                    .add("inputFormat", result.inputFormat().wireName())
                    .add("outputFormat", result.outputFormat().wireName())
                    .add("inputWidth", result.inputWidth())
                    .add("inputHeight", result.inputHeight())
                    .add("width", result.width())
                    .add("height", result.height())
                    .add("inputBytes", result.inputBytes())
                    .add("outputBytes", result.outputBytes())
                    .add("queueMs", result.queueMs())
                    .add("serverMs", result.serverMs());
        } else if (reply instanceof Failure failure) {
            json.add("type", "error");
            if (failure.seq() != null) {
                json.add("seq", failure.seq());
            }
            json.add("code", failure.code().wireName())
                    .add("message", failure.message())
                    .add("valid", strings(failure.valid()));
        } else if (reply instanceof Configured configured) {
            json.add("type", "configured")
                    .add("ops", steps(configured.ops()))
                    .add("format", configured.format().wireName())
                    .add("quality", configured.quality());
        } else if (reply instanceof Catalog catalog) {
            JsonArrayBuilder operations = JSON.createArrayBuilder();
            catalog.operations().forEach(op -> operations.add(operation(op)));
            json.add("type", "operations")
                    .add("operations", operations)
                    .add("inputFormats", strings(catalog.inputFormats()))
                    .add("outputFormats", strings(catalog.outputFormats()))
                    .add("limits", limits(catalog.limits()));
        } else {
            throw new IllegalArgumentException("Unknown reply " + reply);
        }
        return json.build().toString();
    }

    private static JsonArrayBuilder steps(List<Step> steps) {
        JsonArrayBuilder array = JSON.createArrayBuilder();
        for (Step step : steps) {
            JsonObjectBuilder object = JSON.createObjectBuilder().add("op", step.op());
            step.parameters().forEach((name, value) -> add(object, name, value));
            array.add(object);
        }
        return array;
    }

    private static JsonObjectBuilder operation(OperationInfo operation) {
        JsonArrayBuilder parameters = JSON.createArrayBuilder();
        for (ParameterInfo parameter : operation.parameters()) {
            JsonObjectBuilder p = JSON.createObjectBuilder()
                    .add("name", parameter.name())
                    .add("type", parameter.type());
            if (parameter.min() != null) {
                add(p, "min", parameter.min());
                add(p, "max", parameter.max());
            }
            if (!parameter.choices().isEmpty()) {
                p.add("choices", strings(parameter.choices()));
            }
            add(p, "default", parameter.defaultValue());
            p.add("description", parameter.description());
            parameters.add(p);
        }
        return JSON.createObjectBuilder()
                .add("op", operation.op())
                .add("description", operation.description())
                .add("parameters", parameters);
    }

    private static JsonObjectBuilder limits(Limits limits) {
        return JSON.createObjectBuilder()
                .add("maxMessageBytes", limits.maxMessageBytes())
                .add("maxControlBytes", limits.maxControlBytes())
                .add("maxPixels", limits.maxPixels())
                .add("maxOutputBytes", limits.maxOutputBytes())
                .add("maxOperations", limits.maxOperations())
                .add("maxPendingImages", limits.maxPendingImages());
    }

    private static JsonArrayBuilder strings(List<String> values) {
        JsonArrayBuilder array = JSON.createArrayBuilder();
        values.forEach(array::add);
        return array;
    }

    private static void add(JsonObjectBuilder object, String name, Object value) {
        if (value instanceof Integer || value instanceof Long) {
            object.add(name, ((Number) value).longValue());
        } else if (value instanceof Number number) {
            object.add(name, number.doubleValue());
        } else {
            object.add(name, String.valueOf(value));
        }
    }
}
