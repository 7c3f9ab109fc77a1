package dev.duplex.servers;

/** The server matrix's black-box suite ({@link ServerMatrix}) on Payara Micro 7 (Tyrus 2.2, Grizzly 5; Java 21+). */
class PayaraMicro7MatrixIT extends ServerMatrix {

    @Override
    ServerKind kind() {
        return ServerKind.PAYARA_MICRO_7;
    }
}
