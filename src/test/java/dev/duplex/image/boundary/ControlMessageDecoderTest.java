package dev.duplex.image.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplex.image.entity.ControlMessage;
import dev.duplex.image.entity.ControlMessage.Configure;
import dev.duplex.image.entity.Step;
import jakarta.websocket.DecodeException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ControlMessageDecoderTest {

    private final ControlMessageDecoder decoder = new ControlMessageDecoder();

    @Test
    void readsAFullConfigure() throws Exception {
        ControlMessage message = decoder.decode("""
                {"type":"configure","ops":["grayscale",{"op":"blur","radius":3},{"op":"sharpen","amount":1.5},
                 {"op":"flip","direction":"v"}],"format":"jpeg","quality":0.8}""");
        assertEquals(new Configure(List.of(Step.of("grayscale"), new Step("blur", Map.of("radius", 3L)),
                new Step("sharpen", Map.of("amount", 1.5)), new Step("flip", Map.of("direction", "v"))), "jpeg", 0.8), message);
    }

    @Test
    void leftOutMembersStayNull() throws Exception {
        assertEquals(new Configure(null, "png", null), decoder.decode("{\"type\":\"configure\",\"format\":\"png\"}"));
        assertEquals(new Configure(List.of(), null, null), decoder.decode("{\"type\":\"configure\",\"ops\":[]}"));
        assertEquals(new Configure(null, null, 1.0), decoder.decode("{\"type\":\"configure\",\"quality\":1,\"ops\":null}"));
        assertEquals(new ControlMessage.Describe(), decoder.decode("{\"type\":\"describe\"}"));
    }

    @Test
    void parameterValuesOfOtherKindsArePassedOnForTheOperationToRefuse() throws Exception {
        Configure message = (Configure) decoder.decode("{\"type\":\"configure\",\"ops\":[{\"op\":\"blur\",\"radius\":true}]}");
        assertEquals("true", message.ops().get(0).parameters().get("radius"));
        Configure huge = (Configure) decoder.decode("{\"type\":\"configure\",\"ops\":[{\"op\":\"blur\",\"radius\":18446744073709551619}]}");
        assertEquals(1.8446744073709552E19, huge.ops().get(0).parameters().get("radius"), "2^64+3 does not wrap around to 3");
    }

    @Test
    void saysWhatIsWrongWithEverythingElse() {
        assertProblem("not valid JSON", "{");
        assertProblem("not valid JSON", "hello");
        assertProblem("it is JSON but not an object", "[1,2]");
        assertProblem("it needs a \"type\"", "{}");
        assertProblem("it needs a \"type\"", "{\"type\":3}");
        assertProblem("unknown type \"resize\"", "{\"type\":\"resize\"}");
        assertProblem("unknown member \"fromat\"", "{\"type\":\"configure\",\"fromat\":\"png\"}");
        assertProblem("\"ops\" must be an array", "{\"type\":\"configure\",\"ops\":\"grayscale\"}");
        assertProblem("each operation must be a name or an object", "{\"type\":\"configure\",\"ops\":[3]}");
        assertProblem("an operation object needs \"op\"", "{\"type\":\"configure\",\"ops\":[{\"radius\":3}]}");
        assertProblem("\"format\" must be a string", "{\"type\":\"configure\",\"format\":1}");
        assertProblem("\"quality\" must be a number", "{\"type\":\"configure\",\"quality\":\"high\"}");
    }

    private void assertProblem(String expected, String text) {
        DecodeException e = assertThrows(DecodeException.class, () -> decoder.decode(text));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertEquals(text, e.getText());
    }

    @Test
    void deepNestingIsRefusedBeforeAnyParserRecursesIntoIt() {
        String deep = "{\"type\":\"configure\",\"ops\":" + "[".repeat(1100) + "]".repeat(1100) + "}";
        DecodeException e = assertThrows(DecodeException.class, () -> decoder.decode(deep));
        assertEquals("it is nested deeper than 32 levels", e.getMessage());
    }
}
