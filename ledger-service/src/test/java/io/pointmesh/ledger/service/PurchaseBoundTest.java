package io.pointmesh.ledger.service;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/** A purchase larger than the refund bound could never be refunded in full: such a setting does not start. */
class PurchaseBoundTest {

    @Test
    void theDefaultAndTheBoundItselfStart() {
        assertDoesNotThrow(() -> EarnService.checkPurchaseBound(new BigDecimal("100000000")));
        assertDoesNotThrow(() -> EarnService.checkPurchaseBound(EarnService.MAX_REFUND_AMOUNT));
    }

    @Test
    void aLargerOrNonPositiveBoundIsRefused() {
        assertThrows(
                IllegalStateException.class, () -> EarnService.checkPurchaseBound(new BigDecimal("1000000000000001")));
        assertThrows(IllegalStateException.class, () -> EarnService.checkPurchaseBound(BigDecimal.ZERO));
    }
}
