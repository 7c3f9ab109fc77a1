package dev.duplex.draw.entity;

/**
 * What a {@code draw.bin} client asks (docs/PLAY.md, "Client to server"), as decoded by
 * {@link DrawCodec#decode}. Coordinates are in eighths of a board pixel.
 */
public sealed interface DrawCommand {

    /** 0x01: join the board {@code board} under {@code name}. */
    record Join(String name, String board) implements DrawCommand {
    }

    /** 0x02: start a stroke of colour {@code rgb} (0xRRGGBB) and {@code width} pixels. */
    record Begin(int rgb, int width) implements DrawCommand {
    }

    /** 0x03: samples of the stroke in progress, each {@code x, y, pressure}. */
    record Points(int[] samples) implements DrawCommand {
        /** How many samples (the array holds three ints per sample). */
        public int count() {
            return samples.length / 3;
        }
    }

    /** 0x04: the pen lifted; the stroke is done. */
    record End() implements DrawCommand {
    }

    /** 0x05: the pointer moved without drawing. */
    record Cursor(int x, int y) implements DrawCommand {
    }

    /** 0x06: take back my last stroke. */
    record Undo() implements DrawCommand {
    }

    /** 0x07: clear the board for everyone. */
    record Clear() implements DrawCommand {
    }

    /** 0x08: the PNG the server asked for with request {@code request}. */
    record Snapshot(long request, byte[] png) implements DrawCommand {
    }
}
