package dev.duplex.platform.engine;

/**
 * What Duplex does with the control frames a client sends, seen by the read guard
 * ({@link ReadGuardFilter}) before the engine gets them; Tyrus answers pings and checks close
 * frames by itself and tells the application nothing of either.
 * <ul>
 * <li><b>Pings and pongs count against the message rate</b>: each one is offered to {@link Rate};
 * the first one it refuses (the session is then closed with 1008) and every ping or pong after it
 * are dropped, so a ping flood costs no pongs and gets the same answer as a message flood.</li>
 * <li><b>Registered close codes</b>: RFC 6455's registry allows a client's close frame to carry
 * 1012 (Service Restart), 1013 (Try Again Later) and 1014 (Bad Gateway), which Tyrus refuses with
 * 1002; their code is changed to 1000 on the way in (all four share the high byte, so only the
 * second code byte changes, in place; the read guard passes it on unmasked, a masked one is
 * handled too), and the client gets a normal closing handshake.</li>
 * </ul>
 * Plain Java, one instance per connection, called on the connection's read thread only.
 */
public final class ControlFrames {

    private static final int CLOSE = 0x8;
    private static final int PING = 0x9;
    private static final int PONG = 0xA;
    /** 1000, 1012, 1013 and 1014 all have 0x03 as their high byte. */
    private static final int CODE_HIGH = 0x03;
    private static final int NORMAL_LOW = 1000 & 0xFF;

    /** The message rate limit, asked once per ping or pong. */
    @FunctionalInterface
    public interface Rate {
        /** @return whether the frame is within the rate; false closes the session (by the callee) */
        boolean allow(int opcode);
    }

    private final Rate rate;
    private final byte[] mask = new byte[4];
    private boolean masked;
    private boolean close;
    private long index;
    private int codeHigh;
    private boolean overRate;

    public ControlFrames(Rate rate) {
        this.rate = rate;
    }

    /**
     * A control frame's header was read.
     *
     * @return whether the frame goes on to the engine
     */
    boolean header(byte[] header, int headerLength) {
        int opcode = header[0] & 0x0F;
        masked = (header[1] & 0x80) != 0;
        if (masked) {
            System.arraycopy(header, headerLength - 4, mask, 0, 4);
        }
        close = opcode == CLOSE;
        index = 0;
        if (opcode == PING || opcode == PONG) {
            if (overRate) {
                return false;
            }
            if (!rate.allow(opcode)) {
                overRate = true;
                return false;
            }
        }
        return true;
    }

    /** {@code length} payload bytes of the current control frame, as passed on; a close code may be changed in place. */
    void payload(byte[] bytes, int offset, int length) {
        if (!close) {
            return;
        }
        for (int k = 0; k < length && index + k < 2; k++) {
            int at = (int) (index + k);
            int value = (bytes[offset + k] ^ (masked ? mask[at] : 0)) & 0xFF;
            if (at == 0) {
                codeHigh = value;
            } else if (codeHigh == CODE_HIGH && value >= (1012 & 0xFF) && value <= (1014 & 0xFF)) {
                bytes[offset + k] = (byte) (NORMAL_LOW ^ (masked ? mask[at] : 0));
            }
        }
        index += length;
    }
}
