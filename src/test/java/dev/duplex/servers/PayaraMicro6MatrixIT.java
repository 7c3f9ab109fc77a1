package dev.duplex.servers;

/** The server matrix's black-box suite ({@link ServerMatrix}) on Payara Micro 6 (Tyrus 2.1, Grizzly 4; Java 17). */
class PayaraMicro6MatrixIT extends ServerMatrix {

    @Override
    ServerKind kind() {
        return ServerKind.PAYARA_MICRO_6;
    }
}
