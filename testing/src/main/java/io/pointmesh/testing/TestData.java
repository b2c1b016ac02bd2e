package io.pointmesh.testing;

import java.util.concurrent.ThreadLocalRandom;

/** Valid random inputs for tests. */
public final class TestData {

    private TestData() {}

    /** Nine random digits and their check digit: a fresh, valid number for every run. */
    public static String businessRegistrationNumber() {
        int[] weights = {1, 3, 7, 1, 3, 7, 1, 3, 5};
        int[] d = new int[10];
        int sum = 0;
        for (int i = 0; i < 9; i++) {
            d[i] = ThreadLocalRandom.current().nextInt(10);
            sum += d[i] * weights[i];
        }
        sum += d[8] * 5 / 10;
        d[9] = (10 - sum % 10) % 10;
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            s.append(d[i]);
            if (i == 2 || i == 4) {
                s.append('-');
            }
        }
        return s.toString();
    }
}
