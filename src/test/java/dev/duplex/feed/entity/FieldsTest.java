package dev.duplex.feed.entity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FieldsTest {

    @Test
    void aMutableMapIsCopiedInOrderAndAFieldsMapIsShared() {
        Map<String, FieldValue> source = new LinkedHashMap<>();
        source.put("z", FieldValue.of(1));
        source.put("a", FieldValue.of("x"));
        Fields fields = Fields.copyOf(source);
        source.put("z", FieldValue.of(2));
        source.remove("a");

        assertEquals(List.of("z", "a"), List.copyOf(fields.keySet()));
        assertEquals(Map.of("z", FieldValue.of(1), "a", FieldValue.of("x")), fields);
        assertEquals(Map.of("z", FieldValue.of(1), "a", FieldValue.of("x")).hashCode(), fields.hashCode());
        assertSame(fields, Fields.copyOf(fields));
        assertNotSame(fields, Fields.copyOf(Map.copyOf(fields)));
        assertThrows(UnsupportedOperationException.class, () -> fields.put("b", FieldValue.of(3)));
        assertThrows(UnsupportedOperationException.class, () -> fields.entrySet().iterator().next().setValue(FieldValue.of(4)));
        assertThrows(UnsupportedOperationException.class, () -> fields.keySet().remove("z"));
    }

    @Test
    void aBuilderMergesInFirstOrderAndIsSpentOnceBuilt() {
        Fields first = Fields.copyOf(Map.of("last", FieldValue.of(1)));
        Fields.Builder builder = new Fields.Builder(first);
        Map<String, FieldValue> second = new LinkedHashMap<>();
        second.put("bid", FieldValue.of(2));
        second.put("last", FieldValue.of(3));
        builder.putAll(second);
        Fields built = builder.build();

        assertEquals(List.of("last", "bid"), List.copyOf(built.keySet()));
        assertEquals(Map.of("last", FieldValue.of(3), "bid", FieldValue.of(2)), built);
        assertEquals(Map.of("last", FieldValue.of(1)), first, "the first map is not written into");
        assertThrows(IllegalStateException.class, () -> builder.putAll(Map.of("x", FieldValue.of(4))));
        assertThrows(IllegalStateException.class, builder::build);
        assertEquals(2, built.size());
    }

    @Test
    void recordsShareTheFieldsOfARecordInsteadOfCopyingThem() {
        ItemChange change = new ItemChange("ACME", Map.of("last", FieldValue.of(1)), 5);
        Update update = new Update(1, "ACME", 1, 5, 0, change.fields());
        assertSame(change.fields(), update.fields());
        assertEquals(update, new Update(1, "ACME", 1, 5, 0, Map.of("last", FieldValue.of(1))));
    }
}
