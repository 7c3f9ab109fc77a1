package dev.duplex.game.control;

import java.util.List;
import java.util.Optional;

/** The game on one instance alone: every room is this instance's, nothing is kept or relayed. */
public final class LocalGameBus implements GameBus {

    private final String self;

    public LocalGameBus(String self) {
        this.self = self;
    }

    @Override
    public String mode() {
        return "local";
    }

    @Override
    public String self() {
        return self;
    }

    @Override
    public int instances() {
        return 1;
    }

    @Override
    public void listen(Listener listener) {
    }

    @Override
    public String claim(String room) {
        return self;
    }

    @Override
    public List<String> orphans() {
        return List.of();
    }

    @Override
    public void save(String room, byte[] checkpoint) {
    }

    @Override
    public Optional<byte[]> checkpoint(String room) {
        return Optional.empty();
    }

    @Override
    public void closed(String room) {
    }

    @Override
    public void handOver(String room) {
    }

    @Override
    public void token(byte[] token, String room) {
    }

    @Override
    public void forget(byte[] token) {
    }

    @Override
    public Optional<String> roomOf(byte[] token) {
        return Optional.empty();
    }

    @Override
    public void send(String member, byte[] message) {
        throw new IllegalStateException("no other instance to send to");
    }

    @Override
    public void close() {
    }
}
