package io.pointmesh.ledger.rest;

/** Example requests and answers for the OpenAPI document (docs/integration.md shows the same calls with curl). */
final class ApiExamples {

    private ApiExamples() {}

    static final String EARN_REQUEST = """
            {"partnerTxId": "POS-0042-20261125-0007", "cardNumber": "9400123456789012", "storeCode": "GN-001",
             "amount": 25000, "currency": "KRW", "occurredAt": "2026-11-25T09:14:03Z"}""";

    static final String EARNING = """
            {"earningId": "0193a1f4-7c2e-7a10-9d4b-5f0e2c7b1a22", "partnerTxId": "POS-0042-20261125-0007",
             "memberId": "6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f", "storeCode": "GN-001", "amount": 25000,
             "currency": "KRW", "occurredAt": "2026-11-25T09:14:03Z", "points": 250,
             "breakdown": {"basePoints": 250, "campaignBonuses": [], "gradeMultiplier": 1, "gradeBonus": 0},
             "availableAt": "2026-11-25T09:14:03Z", "expiresAt": "2031-11-25T09:14:03Z", "refundedAmount": 0,
             "reversedPoints": 0}""";

    static final String EARN_BATCH_REQUEST = """
            {"earnings": [
              {"partnerTxId": "POS-0042-20261125-0007", "cardNumber": "9400123456789012", "storeCode": "GN-001",
               "amount": 25000, "currency": "KRW", "occurredAt": "2026-11-25T09:14:03Z"},
              {"partnerTxId": "POS-0042-20261125-0009", "cardNumber": "9400000000000000", "storeCode": "GN-001",
               "amount": 12000, "currency": "KRW", "occurredAt": "2026-11-25T09:20:45Z"}]}""";

    static final String EARN_BATCH = """
            {"items": 2, "earned": 1, "replayed": 0, "rejected": 1, "results": [
              {"index": 0, "partnerTxId": "POS-0042-20261125-0007", "status": 201, "outcome": "EARNED",
               "earning": {"earningId": "0193a1f4-7c2e-7a10-9d4b-5f0e2c7b1a22", "partnerTxId": "POS-0042-20261125-0007",
                "memberId": "6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f", "storeCode": "GN-001", "amount": 25000,
                "currency": "KRW", "occurredAt": "2026-11-25T09:14:03Z", "points": 250,
                "breakdown": {"basePoints": 250, "campaignBonuses": [], "gradeMultiplier": 1, "gradeBonus": 0},
                "availableAt": "2026-11-25T09:14:03Z", "expiresAt": "2031-11-25T09:14:03Z", "refundedAmount": 0,
                "reversedPoints": 0}},
              {"index": 1, "partnerTxId": "POS-0042-20261125-0009", "status": 422, "outcome": "REJECTED",
               "problem": {"type": "urn:pointmesh:problem:unknown-card", "title": "Unknown card", "status": 422,
                "detail": "card 9400000000000000 is not issued", "instance": "/ledger/v1/earnings/batch",
                "code": "unknown-card"}}]}""";

    static final String REVERSAL_REQUEST = """
            {"partnerTxId": "POS-0042-20261126-0002-refund", "amount": 10000}""";

    static final String REVERSAL = """
            {"reversalId": "0193a2b0-11aa-7bc3-8d2e-3f4a5b6c7d8e", "earningId": "0193a1f4-7c2e-7a10-9d4b-5f0e2c7b1a22",
             "partnerTxId": "POS-0042-20261126-0002-refund", "amount": 10000, "points": 100, "debtIncurred": 0,
             "postedAt": "2026-11-26T10:02:11Z"}""";

    static final String HOLD_REQUEST = """
            {"partnerTxId": "POS-0042-20261125-0008", "cardNumber": "9400123456789012", "pin": "730519",
             "storeCode": "GN-001", "points": 1500}""";

    static final String HELD = """
            {"redemptionId": "0193a1f9-2d3c-7e4f-8a5b-6c7d8e9f0a1b", "partnerTxId": "POS-0042-20261125-0008",
             "memberId": "6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f", "storeCode": "GN-001", "points": 1500,
             "capturedPoints": 0, "status": "HELD", "expiresAt": "2026-11-25T09:30:40Z",
             "updatedAt": "2026-11-25T09:15:40Z"}""";

    static final String CAPTURE_REQUEST = """
            {"points": 1200}""";

    static final String CAPTURED = """
            {"redemptionId": "0193a1f9-2d3c-7e4f-8a5b-6c7d8e9f0a1b", "partnerTxId": "POS-0042-20261125-0008",
             "memberId": "6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f", "storeCode": "GN-001", "points": 1500,
             "capturedPoints": 1200, "status": "CAPTURED", "expiresAt": "2026-11-25T09:30:40Z",
             "updatedAt": "2026-11-25T09:16:02Z"}""";

    static final String VOIDED = """
            {"redemptionId": "0193a1f9-2d3c-7e4f-8a5b-6c7d8e9f0a1b", "partnerTxId": "POS-0042-20261125-0008",
             "memberId": "6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f", "storeCode": "GN-001", "points": 1500,
             "capturedPoints": 0, "status": "VOIDED", "expiresAt": "2026-11-25T09:30:40Z",
             "updatedAt": "2026-11-25T09:15:58Z"}""";

    static final String REDEMPTION_REVERSAL_REQUEST = """
            {"partnerTxId": "POS-0042-20261126-0003-return"}""";

    static final String REVERSED = """
            {"redemptionId": "0193a1f9-2d3c-7e4f-8a5b-6c7d8e9f0a1b", "partnerTxId": "POS-0042-20261125-0008",
             "memberId": "6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f", "storeCode": "GN-001", "points": 1500,
             "capturedPoints": 1200, "status": "REVERSED", "expiresAt": "2026-11-25T09:30:40Z",
             "updatedAt": "2026-11-26T11:40:00Z"}""";

    static final String PIN_REQUEST = """
            {"pin": "730519", "currentPin": "482916"}""";

    static final String PAYMENT_CODE_REQUEST = """
            {"maxPoints": 5000}""";

    static final String PAYMENT_CODE = """
            {"code": "4829163057194402", "expiresAt": "2026-11-25T09:18:40Z", "maxPoints": 5000}""";

    static final String GIFT_REQUEST = """
            {"recipientCardNumber": "9400987654321098", "points": 300}""";

    static final String GIFT = """
            {"giftId": "0193a200-5e6f-7a8b-9c0d-1e2f3a4b5c6d", "recipientCardNumber": "9400987654321098",
             "points": 300, "postedAt": "2026-11-25T12:00:00Z"}""";

    static final String CONVERSION_REQUEST = """
            {"mileagePartnerId": "3c7a5377-d3ad-45e9-9ccd-a56d6d600c68", "points": 2000}""";

    static final String CONVERSION = """
            {"conversionId": "0193a210-aa11-7b22-8c33-4d44e55f6677",
             "mileagePartnerId": "3c7a5377-d3ad-45e9-9ccd-a56d6d600c68", "points": 2000, "miles": 1000,
             "postedAt": "2026-11-25T12:05:00Z"}""";

    static final String PIN_RESET_REQUEST = """
            {"reason": "member forgot the PIN; identity checked by phone (ticket 8812)"}""";

    static final String ADJUSTMENT_REQUEST = """
            {"memberId": "6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f", "points": 500,
             "reason": "goodwill: points of a purchase the POS did not send (ticket 8813)"}""";

    static final String ADJUSTMENT = """
            {"adjustmentId": "0193a220-bb11-7c22-8d33-4e44f55a6677", "memberId": "6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f",
             "points": 500, "reason": "goodwill: points of a purchase the POS did not send (ticket 8813)",
             "actor": "operator ops-kim", "postedAt": "2026-11-25T13:00:00Z"}""";

    static final String IMPORT_REQUEST = """
            {"importId": "cdnow-2026-11", "partnerId": "3f0e1a39-2a4d-43ca-9034-89982db3c085",
             "earnings": [{"partnerTxId": "cdnow-1-0", "memberId": "6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f",
               "storeCode": "SW-WEB", "amount": 29330, "currency": "KRW", "occurredAt": "1997-01-01T03:00:00Z"}]}""";

    static final String IMPORTED = """
            {"importId": "cdnow-2026-11", "auditId": "0193a230-cc11-7d22-8e33-4f44a55b6677",
             "partnerId": "3f0e1a39-2a4d-43ca-9034-89982db3c085", "items": 1, "earned": 1, "replayed": 0, "rejected": 0,
             "results": [{"partnerTxId": "cdnow-1-0", "status": "EARNED",
               "earningId": "0193a231-dd11-7e22-8f33-4a44b55c6677", "points": 293}]}""";

    static final String AWARD_REQUEST = """
            {"awardId": "winter-thanks-2026", "points": 500, "reason": "thank you for a year with us",
             "campaignRef": "CMP-2026-WINTER", "fundedBy": "PARTNER", "partnerId": "3f0e1a39-2a4d-43ca-9034-89982db3c085",
             "audience": {"grade": "VIP", "asOf": "2026-11-26"}}""";

    static final String AWARD = """
            {"awardId": "winter-thanks-2026", "status": "RUNNING", "points": 500, "fundedBy": "PARTNER",
             "partnerId": "3f0e1a39-2a4d-43ca-9034-89982db3c085", "reason": "thank you for a year with us",
             "campaignRef": "CMP-2026-WINTER", "audience": "GRADE", "audienceValue": "VIP", "asOf": "2026-11-26",
             "members": 12000, "credited": 4500, "skipped": 12, "pending": 7488, "pointsCredited": 2250000,
             "createdAt": "2026-11-26T01:00:00Z", "finishedAt": null,
             "cancelledAt": null, "cancelReason": null}""";

    static final String REWARD_REQUEST = """
            {"title": "Cinema ticket for two", "description": "Any 2D screening, weekdays", "imageUrl":
             "https://cdn.example.com/rewards/cinema-2.png", "pricePoints": 12000, "perMemberLimit": 2,
             "availableFrom": "2026-12-01T00:00:00Z", "availableUntil": "2027-01-01T00:00:00Z",
             "fulfilment": "COUPON_CODE", "grades": ["VIP", "VVIP"], "segments": []}""";

    static final String REWARD = """
            {"rewardId": "0193a3c0-5e6f-7a81-9b2c-3d4e5f6a7b8c", "partnerId": "3c9d7e2a-1b4f-4e8a-9c6d-5f0a1b2c3d4e",
             "title": "Cinema ticket for two", "description": "Any 2D screening, weekdays",
             "imageUrl": "https://cdn.example.com/rewards/cinema-2.png", "pricePoints": 12000, "stockLeft": 0,
             "unlimited": false, "perMemberLimit": 2, "availableFrom": "2026-12-01T00:00:00Z",
             "availableUntil": "2027-01-01T00:00:00Z", "fulfilment": "COUPON_CODE", "grades": ["VIP", "VVIP"],
             "segments": [], "affordable": null, "createdAt": "2026-11-26T08:00:00Z", "updatedAt": null,
             "withdrawnAt": null}""";

    static final String REWARD_TERMS_REQUEST = """
            {"title": "Cinema ticket for two", "description": "Any 2D screening, any day", "imageUrl":
             "https://cdn.example.com/rewards/cinema-2.png", "pricePoints": 10000, "perMemberLimit": 2,
             "availableFrom": "2026-12-01T00:00:00Z", "availableUntil": "2027-02-01T00:00:00Z",
             "grades": ["VIP", "VVIP"], "segments": []}""";

    static final String REWARD_EDITED = """
            {"rewardId": "0193a3c0-5e6f-7a81-9b2c-3d4e5f6a7b8c", "partnerId": "3c9d7e2a-1b4f-4e8a-9c6d-5f0a1b2c3d4e",
             "title": "Cinema ticket for two", "description": "Any 2D screening, any day",
             "imageUrl": "https://cdn.example.com/rewards/cinema-2.png", "pricePoints": 10000, "stockLeft": 40,
             "unlimited": false, "perMemberLimit": 2, "availableFrom": "2026-12-01T00:00:00Z",
             "availableUntil": "2027-02-01T00:00:00Z", "fulfilment": "COUPON_CODE", "grades": ["VIP", "VVIP"],
             "segments": [], "affordable": null, "createdAt": "2026-11-26T08:00:00Z",
             "updatedAt": "2026-12-10T09:00:00Z", "withdrawnAt": null}""";

    static final String REWARD_WITHDRAWN = """
            {"rewardId": "0193a3c0-5e6f-7a81-9b2c-3d4e5f6a7b8c", "partnerId": "3c9d7e2a-1b4f-4e8a-9c6d-5f0a1b2c3d4e",
             "title": "Cinema ticket for two", "description": "Any 2D screening, any day",
             "imageUrl": "https://cdn.example.com/rewards/cinema-2.png", "pricePoints": 10000, "stockLeft": 40,
             "unlimited": false, "perMemberLimit": 2, "availableFrom": "2026-12-01T00:00:00Z",
             "availableUntil": "2027-02-01T00:00:00Z", "fulfilment": "COUPON_CODE", "grades": ["VIP", "VVIP"],
             "segments": [], "affordable": null, "createdAt": "2026-11-26T08:00:00Z",
             "updatedAt": "2026-12-10T09:00:00Z", "withdrawnAt": "2026-12-20T18:00:00Z"}""";

    static final String REWARD_TOP_UP_REQUEST = """
            {"units": 25}""";

    static final String REWARD_TOP_UP = """
            {"topUpId": "0193a3e2-7b8c-7d9e-8f0a-1b2c3d4e5f6a", "rewardId": "0193a3c1-2a3b-7c4d-9e5f-6a7b8c9d0e1f",
             "units": 25, "stockLeft": 31, "createdAt": "2026-12-10T09:30:00Z"}""";

    static final String REWARD_CODES_REQUEST = """
            code
            CINE-7F3K-22QA
            CINE-9XPL-04MB
            """;

    static final String REWARD_CODES = """
            {"rewardId": "0193a3c0-5e6f-7a81-9b2c-3d4e5f6a7b8c", "received": 2, "added": 2, "duplicates": 0,
             "stockLeft": 2}""";

    static final String REWARD_ORDER_REQUEST = """
            {"rewardId": "0193a3c0-5e6f-7a81-9b2c-3d4e5f6a7b8c", "pricePoints": 12000}""";

    static final String REWARD_ORDER = """
            {"orderId": "0193a3d1-0a1b-7c2d-8e3f-4a5b6c7d8e9f", "rewardId": "0193a3c0-5e6f-7a81-9b2c-3d4e5f6a7b8c",
             "rewardTitle": "Cinema ticket for two", "fulfilment": "COUPON_CODE",
             "partnerId": "3c9d7e2a-1b4f-4e8a-9c6d-5f0a1b2c3d4e", "memberId": "6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f",
             "points": 12000, "status": "FULFILLED", "couponCode": "CINE-7F3K-22QA", "shippingAddress": null,
             "reason": null, "createdAt": "2026-12-02T11:20:00Z", "updatedAt": "2026-12-02T11:20:00Z"}""";

    static final String REWARD_ORDER_CANCELLED = """
            {"orderId": "0193a3d1-0a1b-7c2d-8e3f-4a5b6c7d8e9f", "rewardId": "0193a3c0-5e6f-7a81-9b2c-3d4e5f6a7b8c",
             "rewardTitle": "Thermos bottle", "fulfilment": "SHIPPING",
             "partnerId": "3c9d7e2a-1b4f-4e8a-9c6d-5f0a1b2c3d4e", "memberId": "6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f",
             "points": 8000, "status": "CANCELLED", "couponCode": null, "shippingAddress": "12 Teheran-ro, Seoul",
             "reason": null, "createdAt": "2026-12-02T11:20:00Z", "updatedAt": "2026-12-02T11:31:00Z"}""";

    static final String REWARD_DECISION_REQUEST = """
            {"outcome": "FAILED", "reason": "the item is discontinued"}""";

    static final String REWARD_ORDER_FAILED = """
            {"orderId": "0193a3d1-0a1b-7c2d-8e3f-4a5b6c7d8e9f", "rewardId": "0193a3c0-5e6f-7a81-9b2c-3d4e5f6a7b8c",
             "rewardTitle": "Thermos bottle", "fulfilment": "SHIPPING",
             "partnerId": "3c9d7e2a-1b4f-4e8a-9c6d-5f0a1b2c3d4e", "memberId": "6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f",
             "points": 8000, "status": "FAILED", "couponCode": null, "shippingAddress": "12 Teheran-ro, Seoul",
             "reason": "the item is discontinued", "createdAt": "2026-12-02T11:20:00Z",
             "updatedAt": "2026-12-03T09:00:00Z"}""";
}
