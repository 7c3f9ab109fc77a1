package dev.duplex.servers;

/** The server matrix's black-box suite ({@link ServerMatrix}) on WildFly (Undertow), standalone-microprofile.xml. */
class WildFlyMatrixIT extends ServerMatrix {

    @Override
    ServerKind kind() {
        return ServerKind.WILDFLY;
    }
}
