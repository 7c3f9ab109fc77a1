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
 * names the engine as much as an import does. Also: no static mutable state shared across the line.
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

    /** String literals naming an engine package, however the rest of the name is built. */
    private static final Pattern ENGINE_LITERAL = Pattern.compile(
            "\"(org\\.glassfish\\.(tyrus|grizzly|internal|api)|org\\.apache\\.(catalina|coyote)|fish\\.payara|com\\.sun\\.enterprise"
                    + "|io\\.undertow|com\\.ibm\\.ws)\\b");
    /** The only static methods of the platform an implementation may call: pure functions, no shared state. */
    private static final Set<String> PURE_PLATFORM_CALLS = Set.of("CloseFrameReasons.rewrite");

    @Test
    void engineClassNamesUsedForReflectionAreNamedOnlyInTheirImplementationPackage() {
        Map<String, String> offenders = new TreeMap<>();
        for (Path file : javaFiles()) {
            String name = SOURCES.relativize(file).toString().replace('\\', '/');
            if (name.startsWith(IMPLEMENTATIONS)) {
                continue;
            }
            Matcher literal = ENGINE_LITERAL.matcher(code(file));
            if (literal.find()) {
                offenders.put(name, literal.group());
            }
        }
        assertEquals(Map.of(), offenders, "engine class names in strings (Class.forName, getName().equals) outside " + IMPLEMENTATIONS);
    }

    /**
     * No static mutable state shared across the line: an implementation's static fields are private
     * (or constants), so nothing outside its package reaches them; the platform classes it uses
     * expose no static mutable field; and it calls no static method of the platform but pure
     * functions (so no platform registry, such as {@code Engine}'s capabilities, is driven from an
     * implementation: it answers through the SPI and the platform keeps the state).
     */
    @Test
    void noStaticMutableStateIsSharedAcrossTheBoundary() throws Exception {
        Map<String, String> offenders = new TreeMap<>();
        Set<String> platformTypes = new TreeSet<>();
        for (Path file : javaFiles()) {
            String name = SOURCES.relativize(file).toString().replace('\\', '/');
            if (!name.startsWith(IMPLEMENTATIONS)) {
                continue;
            }
            String code = code(file);
            Matcher imports = Pattern.compile("(?m)^import\\s+(dev\\.duplex\\.platform\\.[\\w.]+)\\.(\\w+);").matcher(code);
            while (imports.find()) {
                platformTypes.add(imports.group(1) + "." + imports.group(2));
                Matcher call = Pattern.compile("\\b" + imports.group(2) + "\\.([a-z]\\w*)\\s*\\(").matcher(code);
                while (call.find()) {
                    String used = imports.group(2) + "." + call.group(1);
                    if (!PURE_PLATFORM_CALLS.contains(used)) {
                        offenders.put(name + " calls " + used, "a static method of the platform");
                    }
                }
            }
            String type = name.substring(0, name.length() - ".java".length()).replace('/', '.');
            for (Class<?> c : withNested(Class.forName(type, false, getClass().getClassLoader()))) {
                sharedStatics(c).forEach(f -> offenders.put(c.getName() + "." + f, "a non-private static field that is not a constant"));
            }
        }
        assertTrue(!platformTypes.isEmpty(), "the implementations use the platform's SPI");
        for (String type : platformTypes) {
            for (Class<?> c : withNested(Class.forName(type, false, getClass().getClassLoader()))) {
                sharedStatics(c).forEach(f -> offenders.put(c.getName() + "." + f, "mutable static state reachable from an implementation"));
            }
        }
        assertEquals(Map.of(), offenders);
    }

    private static List<Class<?>> withNested(Class<?> type) {
        List<Class<?>> all = new java.util.ArrayList<>(List.of(type));
        for (Class<?> nested : type.getDeclaredClasses()) {
            all.addAll(withNested(nested));
        }
        return all;
    }

    /** Static fields of {@code type} that code outside it could reach and that are not constants. */
    private static List<String> sharedStatics(Class<?> type) {
        List<String> shared = new java.util.ArrayList<>();
        for (java.lang.reflect.Field field : type.getDeclaredFields()) {
            int m = field.getModifiers();
            if (!java.lang.reflect.Modifier.isStatic(m) || java.lang.reflect.Modifier.isPrivate(m) || field.isSynthetic()) {
                continue;
            }
            Class<?> kind = field.getType();
            boolean constant = java.lang.reflect.Modifier.isFinal(m)
                    && (kind.isPrimitive() || kind == String.class || kind.isEnum() || kind.isRecord());
            if (!constant && !(field.isEnumConstant())) {
                shared.add(field.getName());
            }
        }
        return shared;
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
