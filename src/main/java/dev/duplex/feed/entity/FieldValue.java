package dev.duplex.feed.entity;

/**
 * The value of one field of a feed item: a finite number or a short text. Numbers are carried as
 * {@code double}s; the binary encoding sends them as exact decimals when their shortest decimal
 * form allows it (see {@code docs/FEED.md}).
 */
public sealed interface FieldValue permits FieldValue.Num, FieldValue.Text {

    /** A finite number (never NaN or infinite). */
    record Num(double value) implements FieldValue {
        public Num {
            if (!Double.isFinite(value)) {
                throw new IllegalArgumentException("A field's number must be finite");
            }
        }
    }

    /** A text of at most {@link #MAX_TEXT_BYTES} UTF-8 bytes. */
    record Text(String value) implements FieldValue {
        public Text {
            if (value == null) {
                throw new IllegalArgumentException("A field's text must not be null");
            }
        }
    }

    /** The longest text a field may hold, in UTF-8 bytes. */
    int MAX_TEXT_BYTES = 256;

    static FieldValue of(double value) {
        // -0 is 0: JSON writers and readers (JavaScript's included) do not keep the sign of a zero,
        // so both subprotocols carry 0 (docs/FEED.md, "Values")
        return new Num(value == 0 ? 0.0 : value);
    }

    static FieldValue of(String value) {
        return new Text(value);
    }
}
