package dev.duplex.image.control;

import java.awt.image.BufferedImage;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBuffer;
import java.awt.image.MultiPixelPackedSampleModel;
import java.awt.image.SampleModel;
import java.awt.image.SinglePixelPackedSampleModel;

/**
 * The bytes of Java 2D rasters: what a {@link SampleModel}'s data buffer will take before it is
 * allocated (to charge the memory budget first), and what an image's buffer really takes (to check
 * the charge afterwards). Array headers aside, these are the arrays' sizes exactly.
 */
final class Rasters {

    private Rasters() {
    }

    /** The bytes a data buffer for {@code model} will take, computed without allocating it. */
    static long bytes(SampleModel model) {
        long elementBytes = Math.max(1, DataBuffer.getDataTypeSize(model.getDataType()) / 8);
        long w = model.getWidth();
        long h = model.getHeight();
        long elements;
        if (model instanceof ComponentSampleModel component) {
            // As ComponentSampleModel sizes its banks: the last pixel's last sample, plus one.
            int maxOffset = 0;
            for (int offset : component.getBandOffsets()) {
                maxOffset = Math.max(maxOffset, offset);
            }
            int banks = 0;
            for (int bank : component.getBankIndices()) {
                banks = Math.max(banks, bank + 1);
            }
            long perBank = component.getScanlineStride() * (h - 1) + component.getPixelStride() * (w - 1) + maxOffset + 1;
            elements = perBank * banks;
        } else if (model instanceof SinglePixelPackedSampleModel packed) {
            elements = packed.getScanlineStride() * (h - 1) + w;
        } else if (model instanceof MultiPixelPackedSampleModel bits) {
            int elementBits = DataBuffer.getDataTypeSize(bits.getDataType());
            elements = bits.getScanlineStride() * h + (bits.getDataBitOffset() + elementBits - 1) / elementBits;
        } else {
            // Unknown layouts: as many elements as samples, the most any standard model uses.
            elements = w * h * model.getNumBands();
        }
        return elements * elementBytes;
    }

    /** The bytes the image's data buffer takes. */
    static long bytes(BufferedImage image) {
        DataBuffer buffer = image.getRaster().getDataBuffer();
        long elementBytes = Math.max(1, DataBuffer.getDataTypeSize(buffer.getDataType()) / 8);
        return (long) buffer.getSize() * buffer.getNumBanks() * elementBytes;
    }

    /** The bytes of {@link Pixels} of {@code width} × {@code height}: one {@code int} per pixel. */
    static long argb(long width, long height) {
        return 4 * width * height;
    }
}
