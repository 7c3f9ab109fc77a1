package dev.duplex.image.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplex.image.entity.ControlMessage.Configure;
import dev.duplex.image.entity.ErrorCode;
import dev.duplex.image.entity.ImageFormat;
import dev.duplex.image.entity.Step;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OperationCatalogTest {

    private static final List<String> ALL = List.of("echo", "reencode", "grayscale", "invert", "sepia", "blur", "sharpen",
            "edges", "threshold", "rotate", "flip", "resize", "pixelate");

    private final OperationCatalog catalog = new OperationCatalog();

    @Test
    void offersTheThirteenOperations() {
        assertEquals(ALL, catalog.names());
        assertEquals(ALL, catalog.describe().stream().map(op -> op.op()).toList());
        var blur = catalog.describe().get(5);
        assertEquals("radius", blur.parameters().get(0).name());
        assertEquals("integer", blur.parameters().get(0).type());
        assertEquals(1, blur.parameters().get(0).min());
        assertEquals(50, blur.parameters().get(0).max());
        assertEquals(3, blur.parameters().get(0).defaultValue());
        assertEquals(List.of("90", "180", "270"), catalog.describe().get(9).parameters().get(0).choices());
    }

    @Test
    void makesOperationsWithDefaultsAndGivenParameters() throws Exception {
        assertEquals(new Blur(3), catalog.create(Step.of("blur")));
        assertEquals(new Blur(7), catalog.create(new Step("blur", Map.of("radius", 7L))));
        assertEquals(new Blur(7), catalog.create(new Step("BLUR", Map.of("radius", "7"))), "names ignore case, strings are read");
        assertEquals(new Sharpen(2.5), catalog.create(new Step("sharpen", Map.of("amount", 2.5))));
        assertEquals(new Rotate(270), catalog.create(new Step("rotate", Map.of("degrees", 270.0))));
        assertEquals(new Flip(false), catalog.create(new Step("flip", Map.of("direction", "V"))));
        assertEquals(new Resize(640, 800), catalog.create(new Step("resize", Map.of("maxWidth", 640))));
        assertEquals(Map.of("maxWidth", 640, "maxHeight", 800), catalog.create(new Step("resize", Map.of("maxWidth", 640))).parameters());
    }

    @Test
    void unknownOperationsListTheValidOnes() {
        ImageException e = assertThrows(ImageException.class, () -> catalog.create(Step.of("blurr")));
        assertEquals(ErrorCode.UNKNOWN_OPERATION, e.code());
        assertEquals("Unknown operation 'blurr'", e.getMessage());
        assertEquals(ALL, e.valid());
    }

    @Test
    void badParametersListTheValidRange() {
        assertBad("blur radius must be an integer from 1 to 50, not '99'", List.of("radius: an integer from 1 to 50 (default 3)"),
                new Step("blur", Map.of("radius", 99)));
        assertBad("blur radius must be an integer from 1 to 50, not '2.5'", null, new Step("blur", Map.of("radius", 2.5)));
        assertBad("blur radius must be an integer from 1 to 50, not 'three'", null, new Step("blur", Map.of("radius", "three")));
        assertBad("rotate degrees must be one of 90, 180, 270, not '45'", List.of("degrees: one of 90, 180, 270 (default 90)"),
                new Step("rotate", Map.of("degrees", 45)));
        assertBad("flip direction must be one of h, v, not 'diagonal'", null, new Step("flip", Map.of("direction", "diagonal")));
        assertBad("flip direction must be one of h, v, not '1'", null, new Step("flip", Map.of("direction", 1)));
        assertBad("sharpen amount must be a number from 0.1 to 5, not 'NaN'", null, new Step("sharpen", Map.of("amount", "NaN")));
        assertBad("blur has no parameter 'size'", List.of("radius: an integer from 1 to 50 (default 3)"),
                new Step("blur", Map.of("size", 3)));
        assertBad("grayscale takes no parameters", List.of(), new Step("grayscale", Map.of("level", 3)));
    }

    private void assertBad(String message, List<String> valid, Step step) {
        ImageException e = assertThrows(ImageException.class, () -> catalog.create(step));
        assertEquals(ErrorCode.BAD_PARAMETER, e.code());
        assertEquals(message, e.getMessage());
        if (valid != null) {
            assertEquals(valid, e.valid());
        }
    }

    @Test
    void chainsAreBoundedAndEmptyMeansEcho() throws Exception {
        assertEquals(List.of(new Echo()), catalog.chain(List.of()));
        assertEquals(List.of(new Grayscale(), new Blur(2)), catalog.chain(List.of(Step.of("grayscale"), new Step("blur", Map.of("radius", 2)))));
        List<Step> long17 = Collections.nCopies(17, Step.of("invert"));
        ImageException e = assertThrows(ImageException.class, () -> catalog.chain(long17));
        assertEquals(ErrorCode.BAD_PARAMETER, e.code());
        assertEquals(16, catalog.chain(Collections.nCopies(16, Step.of("invert"))).size());
    }

    @Test
    void configureChangesOnlyWhatItNames() throws Exception {
        Pipeline start = Pipeline.DEFAULT;
        Pipeline grey = start.configure(new Configure(List.of(Step.of("grayscale")), null, null), catalog);
        assertEquals(List.of(new Grayscale()), grey.operations());
        assertEquals(ImageFormat.PNG, grey.format());
        Pipeline jpeg = grey.configure(new Configure(null, "JPG", 0.5), catalog);
        assertEquals(List.of(new Grayscale()), jpeg.operations());
        assertEquals(ImageFormat.JPEG, jpeg.format());
        assertEquals(0.5, jpeg.quality());
        assertTrue(jpeg.configure(new Configure(List.of(), null, null), catalog).echoes());
        ImageException format = assertThrows(ImageException.class, () -> start.configure(new Configure(null, "webp", null), catalog));
        assertEquals(ErrorCode.BAD_PARAMETER, format.code());
        assertEquals(List.of("png", "jpeg"), format.valid());
        ImageException quality = assertThrows(ImageException.class, () -> start.configure(new Configure(null, null, 1.5), catalog));
        assertEquals("quality must be a number from 0 to 1, not '1.5'", quality.getMessage());
    }
}
