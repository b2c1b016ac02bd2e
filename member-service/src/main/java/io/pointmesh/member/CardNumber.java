package io.pointmesh.member;

import java.security.SecureRandom;

/**
 * Card numbers: 16 digits, the network's prefix, random digits (never sequential: a number says
 * nothing about its neighbours), and a Luhn check digit that catches a mistyped digit or a swap
 * at the POS before any lookup.
 */
public final class CardNumber {

    public static final int LENGTH = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    private CardNumber() {}

    public static String generate(String prefix) {
        if (!prefix.matches("\\d{1,8}")) {
            throw new IllegalArgumentException("a card prefix is 1 to 8 digits");
        }
        StringBuilder digits = new StringBuilder(prefix);
        while (digits.length() < LENGTH - 1) {
            digits.append(RANDOM.nextInt(10));
        }
        return digits.append(checkDigit(digits)).toString();
    }

    /** Whether the text is a 16-digit number with a correct Luhn check digit. */
    public static boolean isValid(String number) {
        return number != null
                && number.length() == LENGTH
                && number.chars().allMatch(Character::isDigit)
                && checkDigit(number.substring(0, LENGTH - 1)) == number.charAt(LENGTH - 1) - '0';
    }

    /** The Luhn check digit for the digits before it. */
    static int checkDigit(CharSequence payload) {
        int sum = 0;
        // doubling starts with the digit next to the check digit
        for (int i = payload.length() - 1, position = 0; i >= 0; i--, position++) {
            int d = payload.charAt(i) - '0';
            if (position % 2 == 0) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
        }
        return (10 - sum % 10) % 10;
    }
}
