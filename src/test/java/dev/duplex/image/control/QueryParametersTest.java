package dev.duplex.image.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplex.image.entity.ErrorCode;
import dev.duplex.image.entity.ImageFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QueryParametersTest {

    private final OperationCatalog catalog = new OperationCatalog();

    /** A query as Tyrus hands it over: each key with its values. */
    private static Map<String, List<String>> query(String... keysAndValues) {
        Map<String, List<String>> query = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            query.computeIfAbsent(keysAndValues[i], k -> new java.util.ArrayList<>()).add(keysAndValues[i + 1]);
        }
        return query;
    }

    @Test
    void anEmptyQueryIsEcho() throws Exception {
        Pipeline pipeline = QueryParameters.parse(Map.of(), catalog);
        assertTrue(pipeline.echoes());
        assertEquals(ImageFormat.PNG, pipeline.format());
    }

    @Test
    void oneOperationWithItsParameter() throws Exception {
        assertEquals(List.of(new Blur(3)), QueryParameters.parse(query("op", "blur", "radius", "3"), catalog).operations());
        assertEquals(List.of(new Grayscale()), QueryParameters.parse(query("op", "grayscale"), catalog).operations());
    }

    @Test
    void chainsByCommaOrRepeatedOpAndParametersGoWhereTheyBelong() throws Exception {
        Pipeline pipeline = QueryParameters.parse(query("op", "resize,grayscale", "op", "blur", "maxWidth", "640",
                "radius", "2", "format", "jpeg", "quality", "0.75"), catalog);
        assertEquals(List.of(new Resize(640, 800), new Grayscale(), new Blur(2)), pipeline.operations());
        assertEquals(ImageFormat.JPEG, pipeline.format());
        assertEquals(0.75, pipeline.quality());
    }

    @Test
    void mistakesAreRefusedWithTheValidChoices() {
        ImageException unknown = assertThrows(ImageException.class, () -> QueryParameters.parse(query("op", "blur,nope"), catalog));
        assertEquals(ErrorCode.UNKNOWN_OPERATION, unknown.code());
        assertEquals("Unknown operation 'nope'", unknown.getMessage());
        assertEquals(catalog.names(), unknown.valid());

        ImageException stray = assertThrows(ImageException.class,
                () -> QueryParameters.parse(query("op", "grayscale", "radius", "3"), catalog));
        assertEquals(ErrorCode.BAD_PARAMETER, stray.code());
        assertEquals("Unknown query parameter 'radius' for grayscale", stray.getMessage());
        assertTrue(stray.valid().get(0).startsWith("op: echo, reencode, grayscale"), stray.valid().toString());

        ImageException range = assertThrows(ImageException.class,
                () -> QueryParameters.parse(query("op", "blur", "radius", "0"), catalog));
        assertEquals("blur radius must be an integer from 1 to 50, not '0'", range.getMessage());

        ImageException twice = assertThrows(ImageException.class,
                () -> QueryParameters.parse(query("op", "blur", "radius", "1", "radius", "2"), catalog));
        assertEquals("Query parameter 'radius' must be given once", twice.getMessage());

        assertEquals(ErrorCode.BAD_PARAMETER, assertThrows(ImageException.class,
                () -> QueryParameters.parse(query("format", "gif"), catalog)).code());
        assertEquals(ErrorCode.BAD_PARAMETER, assertThrows(ImageException.class,
                () -> QueryParameters.parse(query("quality", "high"), catalog)).code());
        assertEquals(ErrorCode.BAD_PARAMETER, assertThrows(ImageException.class,
                () -> QueryParameters.parse(query("cachebuster", "1"), catalog)).code());
    }
}
