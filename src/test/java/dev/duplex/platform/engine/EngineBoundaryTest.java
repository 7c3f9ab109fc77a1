package dev.duplex.platform.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The engine boundary (issue 17 item 2, docs/ENGINE.md), checked on the sources: engine types are
 * named only in their implementation package, and the platform does not depend on any engine
 * implementation (which would make a package cycle, since implementations use the platform's SPI).
 * Comments are ignored; string literals count, since a {@code Class.forName("org.glassfish...")}
 * names the engine as much as an import does.
 */
class EngineBoundaryTest {

    private static final Path SOURCES = Path.of("src/main/java");
    /** Where each engine's implementation lives; the only code that may name that engine's classes. */
    private static final String IMPLEMENTATIONS = "dev/duplex/engine/";
    /** Tyrus, Grizzly, GlassFish/Payara internals, Catalina, Payara, Undertow, Open Liberty. */
    private static final Pattern ENGINE_TYPE = Pattern.compile(
            "\\b(org\\.glassfish\\.(tyrus|grizzly|internal|api)|org\\.apache\\.(catalina|coyote)|fish\\.payara|com\\.sun\\.enterprise"
                    + "|io\\.undertow|com\\.ibm\\.ws)\\.");
    private static final Pattern IMPLEMENTATION_USE = Pattern.compile("\\bdev\\.duplex\\.engine\\.");

    /**
     * Classes of the platform that still reach into Tyrus/Grizzly themselves, to be moved behind the
     * SPI (docs/ENGINE.md, "The boundary"). The list only shrinks: a listed file that no longer names
     * an engine type fails this test until it is taken off.
     */
    private static final Set<String> NOT_YET_MOVED = Set.of();

    @Test
    void engineTypesAreNamedOnlyInTheirImplementationPackage() {
        Map<String, String> offenders = new TreeMap<>();
        Set<String> clean = new TreeSet<>(NOT_YET_MOVED);
        for (Path file : javaFiles()) {
            String name = SOURCES.relativize(file).toString().replace('\\', '/');
            if (name.startsWith(IMPLEMENTATIONS)) {
                continue;
            }
            Matcher engine = ENGINE_TYPE.matcher(code(file));
            if (engine.find()) {
                clean.remove(name);
                if (!NOT_YET_MOVED.contains(name)) {
                    offenders.put(name, engine.group());
                }
            }
        }
        assertEquals(Map.of(), offenders, "engine types named outside " + IMPLEMENTATIONS);
        assertEquals(Set.of(), clean, "no longer name an engine type: take them off NOT_YET_MOVED");
    }

    @Test
    void thePlatformDoesNotDependOnAnEngineImplementation() {
        Map<String, String> offenders = new TreeMap<>();
        for (Path file : javaFiles()) {
            String name = SOURCES.relativize(file).toString().replace('\\', '/');
            if (!name.startsWith(IMPLEMENTATIONS) && IMPLEMENTATION_USE.matcher(code(file)).find()) {
                offenders.put(name, "uses " + IMPLEMENTATIONS);
            }
        }
        assertEquals(Map.of(), offenders, "the platform finds engine implementations through ServiceLoader only");
    }

    @Test
    void engineImplementationsDoNotDependOnEachOther() {
        Path root = SOURCES.resolve(IMPLEMENTATIONS);
        assertTrue(Files.isDirectory(root), root + " exists");
        for (Path file : javaFiles()) {
            String name = SOURCES.relativize(file).toString().replace('\\', '/');
            if (!name.startsWith(IMPLEMENTATIONS)) {
                continue;
            }
            String own = name.substring(IMPLEMENTATIONS.length(), name.indexOf('/', IMPLEMENTATIONS.length()));
            Matcher use = Pattern.compile("\\bdev\\.duplex\\.engine\\.(\\w+)").matcher(code(file));
            while (use.find()) {
                assertEquals(own, use.group(1), name + " uses another engine's implementation");
            }
        }
    }

    private static List<Path> javaFiles() {
        try (Stream<Path> files = Files.walk(SOURCES)) {
            return files.filter(f -> f.toString().endsWith(".java")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The file without its comments (string literals kept). */
    private static String code(Path file) {
        try {
            return Files.readString(file).replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("(?m)^\\s*//.*$", "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
