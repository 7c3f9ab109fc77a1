package dev.duplex.game.entity;

/** What a client sends under {@code game.bin} (docs/PLAY.md, "Client messages"). */
public sealed interface ClientMessage {

    /** 0x01: join a room to play or to watch; {@code room} empty for matchmaking, {@code token} empty or 16 bytes to rejoin. */
    record Join(boolean spectate, String name, String room, byte[] token) implements ClientMessage {
    }

    /** 0x02: one input, and the last snapshot tick the client received (0: none). */
    record Play(Input input, long ack) implements ClientMessage {
    }

    /** 0x03: the last snapshot tick received, for spectators (who send no inputs). */
    record Ack(long ack) implements ClientMessage {
    }

    /** 0x04: a ping with the client's clock (ms, mod 2^32), echoed in a pong for the RTT. */
    record Ping(long time) implements ClientMessage {
    }
}
