package dev.duplex.engine.tyrus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.reflect.Method;
import org.junit.jupiter.api.Test;

class EngineFieldsTest {

    public static class Base {
        private final String name = "base";

        public int size() {
            return 1;
        }
    }

    public static class Derived extends Base {
        public int size(int more) {
            return 1 + more;
        }
    }

    public static class Other {
        public int size() {
            return 2;
        }
    }

    @Test
    void methodsAreLookedUpOncePerClassNameAndParameters() throws Exception {
        Method size = EngineFields.method(Derived.class, "size");
        Method sizeOf = EngineFields.method(Derived.class, "size", int.class);

        assertSame(size, EngineFields.method(Derived.class, "size"));
        assertSame(sizeOf, EngineFields.method(Derived.class, "size", int.class));
        assertNotEquals(size, sizeOf);
        assertEquals(1, size.invoke(new Derived()));
        assertEquals(4, sizeOf.invoke(new Derived(), 3));
    }

    @Test
    void aMethodOfTheSameNameOnAnotherClassIsThatClassesOwn() throws Exception {
        assertEquals(1, EngineFields.method(Base.class, "size").invoke(new Base()));
        assertEquals(2, EngineFields.method(Other.class, "size").invoke(new Other()));
        assertThrows(NoSuchMethodException.class, () -> EngineFields.method(Other.class, "size", int.class));
    }

    @Test
    void fieldsAreFoundInSuperclassesAndRemembered() throws Exception {
        assertEquals("base", EngineFields.value(new Derived(), "name"));
        assertSame(EngineFields.cached(Derived.class, "name"), EngineFields.cached(Derived.class, "name"));
        assertThrows(NoSuchFieldException.class, () -> EngineFields.cached(Other.class, "name"));
    }
}
