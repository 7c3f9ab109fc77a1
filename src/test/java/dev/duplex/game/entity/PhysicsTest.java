package dev.duplex.game.entity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Ship movement against the shared vectors (which the page's prediction also replays), and its bounds. */
class PhysicsTest {

    @Test
    void trajectoriesMatchTheVectorsStepForStep() {
        int cases = 0;
        for (JsonValue value : Vectors.load().getJsonArray("physics")) {
            JsonObject c = value.asJsonObject();
            Physics physics = new Physics(c.getInt("tickHz"));
            int[] s = ints(c.getJsonArray("start"));
            JsonArray inputs = c.getJsonArray("inputs");
            JsonArray states = c.getJsonArray("states");
            for (int i = 0; i < inputs.size(); i++) {
                JsonArray in = inputs.getJsonArray(i);
                physics.step(s, new Input(i + 1, in.getInt(0), in.getInt(1), in.getInt(2)));
                assertArrayEquals(ints(states.getJsonArray(i)), s, c.getString("name") + ", step " + (i + 1));
            }
            cases++;
        }
        assertEquals(4, cases);
    }

    @Test
    void noInputEverMakesAShipFasterThanTheTopSpeedOrLeaveTheArena() {
        SplittableRandom random = new SplittableRandom(3);
        for (int hz : new int[] {10, 30, 60}) {
            Physics physics = new Physics(hz);
            int[] s = {16000, 16000, 0, 0};
            for (int i = 0; i < 5000; i++) {
                Input input = new Input(i, random.nextInt(255) - 127, random.nextInt(255) - 127, random.nextInt(2));
                physics.step(s, input);
                long max = physics.maxSpeed(true);
                assertTrue((long) s[2] * s[2] + (long) s[3] * s[3] <= max * max, "speed at step " + i);
                assertTrue(s[0] >= Physics.SHIP_RADIUS * Physics.SCALE && s[0] <= (Physics.ARENA - Physics.SHIP_RADIUS) * Physics.SCALE);
                assertTrue(s[1] >= Physics.SHIP_RADIUS * Physics.SCALE && s[1] <= (Physics.ARENA - Physics.SHIP_RADIUS) * Physics.SCALE);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> new Physics(0));
    }

    private static int[] ints(JsonArray array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.getInt(i);
        }
        return out;
    }
}
