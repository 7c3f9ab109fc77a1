package dev.duplex.image.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.duplex.image.entity.ErrorCode;
import dev.duplex.image.entity.ImageFormat;
import dev.duplex.image.entity.ImageReply;
import dev.duplex.image.entity.Step;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ImageReplyEncoderTest {

    private final ImageReplyEncoder encoder = new ImageReplyEncoder();

    private static Step blur3() {
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("radius", 3);
        return new Step("blur", parameters);
    }

    @Test
    void writesAResult() {
        String json = encoder.encode(new ImageReply.Result(7, List.of(blur3(), Step.of("grayscale")), ImageFormat.WEBP,
                ImageFormat.PNG, 640, 480, 320, 240, 81234, 40211, 0.1, 12.4));
        assertEquals("{\"type\":\"result\",\"seq\":7,\"ops\":[{\"op\":\"blur\",\"radius\":3},{\"op\":\"grayscale\"}],"
                + "\"inputFormat\":\"webp\",\"outputFormat\":\"png\",\"inputWidth\":640,\"inputHeight\":480,"
                + "\"width\":320,\"height\":240,\"inputBytes\":81234,\"outputBytes\":40211,\"queueMs\":0.1,\"serverMs\":12.4}", json);
    }

    @Test
    void writesErrorsWithAndWithoutSeq() {
        assertEquals("{\"type\":\"error\",\"seq\":2,\"code\":\"too-many-pixels\",\"message\":\"Too big \\\"x\\\"\",\"valid\":[]}",
                encoder.encode(new ImageReply.Failure(2L, ErrorCode.TOO_MANY_PIXELS, "Too big \"x\"", List.of())));
        assertEquals("{\"type\":\"error\",\"code\":\"unknown-operation\",\"message\":\"Unknown\",\"valid\":[\"echo\",\"blur\"]}",
                encoder.encode(new ImageReply.Failure(null, ErrorCode.UNKNOWN_OPERATION, "Unknown", List.of("echo", "blur"))));
    }

    @Test
    void writesConfiguredWithTypedParameters() {
        Map<String, Object> sharpen = new LinkedHashMap<>();
        sharpen.put("amount", 1.5);
        Map<String, Object> flip = new LinkedHashMap<>();
        flip.put("direction", "v");
        assertEquals("{\"type\":\"configured\",\"ops\":[{\"op\":\"sharpen\",\"amount\":1.5},{\"op\":\"flip\",\"direction\":\"v\"}],"
                + "\"format\":\"jpeg\",\"quality\":0.8}",
                encoder.encode(new ImageReply.Configured(List.of(new Step("sharpen", sharpen), new Step("flip", flip)),
                        ImageFormat.JPEG, 0.8)));
    }

    @Test
    void writesTheCatalog() {
        String json = encoder.encode(new ImageReply.Catalog(List.of(
                new ImageReply.OperationInfo("blur", "Blurs.", List.of(
                        new ImageReply.ParameterInfo("radius", "integer", 1, 50, List.of(), 3, "Radius."))),
                new ImageReply.OperationInfo("flip", "Flips.", List.of(
                        new ImageReply.ParameterInfo("direction", "choice", null, null, List.of("h", "v"), "h", "Way.")))),
                List.of("png", "jpeg"), List.of("png"), new ImageReply.Limits(10, 20, 30, 40, 16, 4)));
        JsonObject parsed = Json.createReader(new StringReader(json)).readObject();
        assertEquals("operations", parsed.getString("type"));
        JsonObject radius = parsed.getJsonArray("operations").getJsonObject(0).getJsonArray("parameters").getJsonObject(0);
        assertEquals("{\"name\":\"radius\",\"type\":\"integer\",\"min\":1,\"max\":50,\"default\":3,\"description\":\"Radius.\"}",
                radius.toString());
        JsonObject direction = parsed.getJsonArray("operations").getJsonObject(1).getJsonArray("parameters").getJsonObject(0);
        assertEquals("{\"name\":\"direction\",\"type\":\"choice\",\"choices\":[\"h\",\"v\"],\"default\":\"h\",\"description\":\"Way.\"}",
                direction.toString());
        assertEquals("{\"maxMessageBytes\":10,\"maxControlBytes\":20,\"maxPixels\":30,\"maxOutputBytes\":40,"
                + "\"maxOperations\":16,\"maxPendingImages\":4}", parsed.getJsonObject("limits").toString());
    }
}
