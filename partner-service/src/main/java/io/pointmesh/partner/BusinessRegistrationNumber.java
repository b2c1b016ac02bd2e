package io.pointmesh.partner;

/**
 * A Korean business registration number, {@code ###-##-#####}: ten digits whose last is a check
 * digit over the first nine (weights 1,3,7,1,3,7,1,3,5, plus the carry of the ninth digit x 5).
 */
public final class BusinessRegistrationNumber {

    private static final int[] WEIGHTS = {1, 3, 7, 1, 3, 7, 1, 3, 5};

    private BusinessRegistrationNumber() {}

    /** The canonical {@code ###-##-#####} form, or null when the input is not a valid number. */
    public static String normalize(String input) {
        if (input == null) {
            return null;
        }
        String digits = input.replace("-", "");
        if (!digits.matches("\\d{10}") || !(input.equals(digits) || input.matches("\\d{3}-\\d{2}-\\d{5}"))) {
            return null;
        }
        int sum = 0;
        for (int i = 0; i < 9; i++) {
            sum += (digits.charAt(i) - '0') * WEIGHTS[i];
        }
        sum += (digits.charAt(8) - '0') * 5 / 10;
        int check = (10 - sum % 10) % 10;
        if (check != digits.charAt(9) - '0') {
            return null;
        }
        return digits.substring(0, 3) + "-" + digits.substring(3, 5) + "-" + digits.substring(5);
    }
}
