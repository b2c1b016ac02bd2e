package io.pointmesh.partner.rest;

/** Example requests and answers for the OpenAPI document (docs/partners.md describes the same calls). */
final class ApiExamples {

    private ApiExamples() {}

    static final String REGISTER_REQUEST = """
            {"legalName": "Hangang Fuel Co., Ltd.", "businessRegistrationNumber": "220-81-23455",
             "category": "fuel", "contactEmail": "loyalty@hangang-fuel.example",
             "settlementAccount": {"bank": "Shinhan Bank", "accountNumber": "110-432-118237",
               "accountHolder": "Hangang Fuel Co., Ltd."}}""";

    static final String REGISTERED = """
            {"partnerId": "3f0e1a39-2a4d-43ca-9034-89982db3c085", "legalName": "Hangang Fuel Co., Ltd.",
             "businessRegistrationNumber": "220-81-23455", "category": "fuel",
             "contactEmail": "loyalty@hangang-fuel.example", "status": "PENDING",
             "createdAt": "2026-11-02T01:00:00Z", "updatedAt": "2026-11-02T01:00:00Z"}""";

    static final String ACTIVATION_REQUEST = """
            {"reason": "contract signed 2026-11-01 (PM-2026-031)"}""";

    static final String ACTIVATED = """
            {"partnerId": "3f0e1a39-2a4d-43ca-9034-89982db3c085", "status": "ACTIVE",
             "clientId": "partner-3f0e1a39-2a4d-43ca-9034-89982db3c085",
             "clientSecret": "q8V2mX4tLr7Nc1Zp9Kd3Hs6Wf0Yb5Ge2"}""";

    static final String SUSPENSION_REQUEST = """
            {"reason": "settlement for October unpaid 30 days after the statement"}""";

    static final String SUSPENDED = """
            {"partnerId": "3f0e1a39-2a4d-43ca-9034-89982db3c085", "status": "SUSPENDED",
             "clientId": "partner-3f0e1a39-2a4d-43ca-9034-89982db3c085", "clientSecret": null}""";

    static final String REINSTATEMENT_REQUEST = """
            {"reason": "October settlement paid in full"}""";

    static final String REINSTATED = """
            {"partnerId": "3f0e1a39-2a4d-43ca-9034-89982db3c085", "status": "ACTIVE",
             "clientId": "partner-3f0e1a39-2a4d-43ca-9034-89982db3c085", "clientSecret": null}""";

    static final String OFFBOARDING_REQUEST = """
            {"reason": "contract ended 2026-12-31; final statement to follow"}""";

    static final String OFFBOARDED = """
            {"partnerId": "3f0e1a39-2a4d-43ca-9034-89982db3c085", "status": "OFFBOARDED",
             "clientId": "partner-3f0e1a39-2a4d-43ca-9034-89982db3c085", "clientSecret": null}""";

    static final String ROTATION_REQUEST = """
            {"reason": "the secret was pasted into a support ticket"}""";

    static final String ROTATED = """
            {"partnerId": "3f0e1a39-2a4d-43ca-9034-89982db3c085", "status": "ACTIVE",
             "clientId": "partner-3f0e1a39-2a4d-43ca-9034-89982db3c085",
             "clientSecret": "Tn5Rb8Qw2Ye6Uj1Mk4Lp7Xs0Vc3Za9Hd"}""";

    static final String STORE_REQUEST = """
            {"code": "GN-001", "name": "Gangnam Station", "channel": "OFFLINE", "region": "Seoul"}""";

    static final String STORE = """
            {"partnerId": "3f0e1a39-2a4d-43ca-9034-89982db3c085", "code": "GN-001", "name": "Gangnam Station",
             "channel": "OFFLINE", "region": "Seoul", "open": true, "openedAt": "2026-11-02T02:00:00Z",
             "closedAt": null}""";

    static final String STORE_CLOSED = """
            {"partnerId": "3f0e1a39-2a4d-43ca-9034-89982db3c085", "code": "GN-001", "name": "Gangnam Station",
             "channel": "OFFLINE", "region": "Seoul", "open": false, "openedAt": "2026-11-02T02:00:00Z",
             "closedAt": "2026-12-20T09:00:00Z"}""";

    static final String EARN_RULE_REQUEST = """
            {"baseRate": 0.01, "storeRates": {"GN-001": 0.02}, "categoryRates": {}, "minimumPurchase": 1000,
             "perTransactionCap": 5000, "pendingDays": 0, "validityMonths": 60, "backdatingDays": 30,
             "effectiveFrom": "2026-12-01T00:00:00Z"}""";

    static final String EARN_RULE = """
            {"version": 2, "baseRate": 0.01, "storeRates": {"GN-001": 0.02}, "categoryRates": {},
             "minimumPurchase": 1000, "perTransactionCap": 5000, "pendingDays": 0, "validityMonths": 60,
             "backdatingDays": 30, "effectiveFrom": "2026-12-01T00:00:00Z", "publishedBy": "ops-kim",
             "publishedAt": "2026-11-25T05:30:00Z"}""";

    static final String CAMPAIGN_REQUEST = """
            {"name": "Winter double points", "bonusKind": "MULTIPLIER", "multiplier": 2,
             "startsAt": "2026-12-01T00:00:00Z", "endsAt": "2027-01-01T00:00:00Z", "target": "GRADE",
             "targetValue": "VIP", "budgetPoints": 2000000, "treatmentShare": 0.9, "fundedBy": "PARTNER"}""";

    static final String CAMPAIGN = """
            {"campaignId": "0193a300-1a2b-7c3d-8e4f-5a6b7c8d9e0f", "partnerId": "3f0e1a39-2a4d-43ca-9034-89982db3c085",
             "name": "Winter double points", "bonusKind": "MULTIPLIER", "multiplier": 2, "fixedPoints": 0,
             "startsAt": "2026-12-01T00:00:00Z", "endsAt": "2027-01-01T00:00:00Z", "target": "GRADE",
             "targetValue": "VIP", "budgetPoints": 2000000, "treatmentShare": 0.9, "fundedBy": "PARTNER",
             "endedAt": null}""";

    static final String CO_FUNDED_CAMPAIGN = """
            {"campaignId": "0193a301-5c2d-7e4f-8a1b-2c3d4e5f6a7b", "partnerId": "3f0e1a39-2a4d-43ca-9034-89982db3c085",
             "name": "Fuel customers to the movies", "bonusKind": "FIXED", "multiplier": null, "fixedPoints": 1000,
             "startsAt": "2026-12-01T00:00:00Z", "endsAt": "2027-01-01T00:00:00Z", "target": "CROSS_PARTNER",
             "targetValue": null, "budgetPoints": 500000, "treatmentShare": 0.9, "fundedBy": "PARTNER",
             "endedAt": null,
             "audience": {"boughtAtPartnerId": "8d1c6f0e-3b7a-4e29-9c51-2f4a8b6d0e13", "boughtInCategory": null,
                          "withinDays": 30, "notYetHere": true},
             "coFunding": {"partnerId": "c2a9e4b7-6d15-4f83-a0e2-7b3c9d5f1a48", "share": 0.25,
                           "status": "ACCEPTED", "decidedAt": "2026-11-28T09:30:00Z"}}""";

    static final String CAMPAIGN_END_REQUEST = """
            {"reason": "budget nearly spent; ending before the holidays"}""";

    static final String CAMPAIGN_ENDED = """
            {"campaignId": "0193a300-1a2b-7c3d-8e4f-5a6b7c8d9e0f", "partnerId": "3f0e1a39-2a4d-43ca-9034-89982db3c085",
             "name": "Winter double points", "bonusKind": "MULTIPLIER", "multiplier": 2, "fixedPoints": 0,
             "startsAt": "2026-12-01T00:00:00Z", "endsAt": "2027-01-01T00:00:00Z", "target": "GRADE",
             "targetValue": "VIP", "budgetPoints": 2000000, "treatmentShare": 0.9, "fundedBy": "PARTNER",
             "endedAt": "2026-12-22T03:00:00Z"}""";

    static final String MILEAGE_PROGRAM_REQUEST = """
            {"programCode": "SKYPASS", "milesPerPoint": 0.5, "minimumPoints": 1000, "stepPoints": 100}""";

    static final String MILEAGE_PROGRAM = """
            {"partnerId": "3c7a5377-d3ad-45e9-9ccd-a56d6d600c68", "programCode": "SKYPASS", "milesPerPoint": 0.5,
             "minimumPoints": 1000, "stepPoints": 100}""";

    static final String CLOSE_REQUEST = """
            {"periodStart": "2026-10-01", "periodEnd": "2026-10-31"}""";

    static final String STATEMENT = """
            {"statementId": "0193a400-2b3c-7d4e-8f5a-6b7c8d9e0f1a", "partnerId": "3f0e1a39-2a4d-43ca-9034-89982db3c085",
             "status": "CLOSED", "periodStart": "2026-10-01", "periodEnd": "2026-10-31",
             "periodFrom": "2026-09-30T15:00:00Z", "periodTo": "2026-10-31T15:00:00Z", "pointsIssued": 1842500,
             "pointsIssuedReversed": 12300, "networkFundedPoints": 95000, "networkFundedReversed": 1200,
             "pointsRedeemed": 1204000, "pointsRedeemedReversed": 8000, "pointsConverted": 0,
             "pointsRedeemedRewards": 0, "pointsRedeemedRewardsReversed": 0, "facts": 7412,
             "lateFacts": 3, "currency": "KRW", "pointValue": 1, "networkFeeRate": 0.05, "issuedAmount": 1830200,
             "networkFee": 91510, "reimbursedAmount": 1196000, "netAmount": 725710, "partnerOwes": 725710,
             "networkOwes": 0, "closedAt": "2026-11-03T01:20:00Z", "closedBy": "ops-kim"}""";

    static final String STATEMENTS = "[" + STATEMENT + "]";

    static final String PREVIEW = """
            {"statementId": null, "partnerId": "3f0e1a39-2a4d-43ca-9034-89982db3c085", "status": "OPEN",
             "periodStart": "2026-11-01", "periodEnd": "2026-11-25", "periodFrom": "2026-10-31T15:00:00Z",
             "periodTo": "2026-11-25T15:00:00Z", "pointsIssued": 1510400, "pointsIssuedReversed": 9800,
             "networkFundedPoints": 61000, "networkFundedReversed": 0, "pointsRedeemed": 1122000,
             "pointsRedeemedReversed": 4000, "pointsConverted": 0, "pointsRedeemedRewards": 0,
             "pointsRedeemedRewardsReversed": 0, "facts": 6120, "lateFacts": 0, "currency": "KRW",
             "pointValue": 1, "networkFeeRate": 0.05, "issuedAmount": 1500600, "networkFee": 75030,
             "reimbursedAmount": 1118000, "netAmount": 457630, "partnerOwes": 457630, "networkOwes": 0,
             "closedAt": null, "closedBy": null}""";

    static final String STATEMENTS_CSV = """
            statementId,partnerId,status,periodStart,periodEnd,periodFrom,periodTo,pointsIssued,pointsIssuedReversed,\
            networkFundedPoints,networkFundedReversed,pointsRedeemed,pointsRedeemedReversed,pointsConverted,\
            pointsRedeemedRewards,pointsRedeemedRewardsReversed,facts,\
            lateFacts,currency,pointValue,networkFeeRate,issuedAmount,networkFee,reimbursedAmount,netAmount,\
            partnerOwes,networkOwes,closedAt,closedBy
            0193a400-2b3c-7d4e-8f5a-6b7c8d9e0f1a,3f0e1a39-2a4d-43ca-9034-89982db3c085,CLOSED,2026-10-01,2026-10-31,\
            2026-09-30T15:00:00Z,2026-10-31T15:00:00Z,1842500,12300,95000,1200,1204000,8000,0,0,0,7412,3,KRW,1,0.05,\
            1830200,91510,1196000,725710,725710,0,2026-11-03T01:20:00Z,ops-kim
            """;

    static final String MONTHLY_CLOSE_REQUEST = """
            {"month": "2026-10"}""";

    static final String MONTHLY_CLOSE = "[" + STATEMENT + "]";
}
