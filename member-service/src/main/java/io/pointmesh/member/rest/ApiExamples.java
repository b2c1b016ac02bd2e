package io.pointmesh.member.rest;

/** Example requests and answers for the OpenAPI document (docs/members.md describes the same calls). */
final class ApiExamples {

    private ApiExamples() {}

    static final String JOIN_REQUEST = """
            {"name": "Kim Minji", "mobileNumber": "+821012345678", "email": "minji.kim@example.com",
             "birthYear": 1991, "gender": "F", "region": "Seoul", "referralCode": "K7QX2M9P"}""";

    static final String PROFILE = """
            {"memberId": "6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f", "name": "Kim Minji", "mobileNumber": "+821012345678",
             "email": "minji.kim@example.com", "birthYear": 1991, "gender": "F", "region": "Seoul", "status": "ACTIVE",
             "joinedAt": "2026-11-25T09:00:00Z", "referralCode": "R4TN8WJ3",
             "card": {"cardNumber": "9400123456789012", "status": "ACTIVE", "issuedAt": "2026-11-25T09:00:00Z"},
             "grade": {"name": "GENERAL", "earnMultiplier": 1, "benefits": ["points on every purchase at every partner"],
               "asOf": null, "netSpend12Months": null},
             "progress": {"nextGrade": "LOYAL", "netSpend12Months": 0, "nextGradeFrom": 180000, "remaining": 180000},
             "segment": null}""";

    static final String CARD = """
            {"cardNumber": "9400987612345673", "status": "ACTIVE", "issuedAt": "2026-11-26T08:30:00Z"}""";

    static final String CARD_REPLACEMENT_REQUEST = """
            {"cardNumber": "9400123456789012"}""";

    static final String CONSENT_REQUEST = """
            {"marketingPush": true, "personalization": true,
             "sharedPartnerIds": ["3f0e1a39-2a4d-43ca-9034-89982db3c085"]}""";

    static final String CONSENT = """
            {"marketingSms": false, "marketingEmail": false, "marketingPush": true, "personalization": true,
             "shareWithAllPartners": false, "sharedPartnerIds": ["3f0e1a39-2a4d-43ca-9034-89982db3c085"],
             "updatedAt": "2026-11-26T10:00:00Z",
             "history": [
               {"changedAt": "2026-11-25T09:00:00Z", "choices": {"marketingSms": false, "marketingEmail": false,
                 "marketingPush": false, "personalization": false, "shareWithAllPartners": false, "sharedPartnerIds": []}},
               {"changedAt": "2026-11-26T10:00:00Z", "choices": {"marketingSms": false, "marketingEmail": false,
                 "marketingPush": true, "personalization": true, "shareWithAllPartners": false,
                 "sharedPartnerIds": ["3f0e1a39-2a4d-43ca-9034-89982db3c085"]}}]}""";

    static final String NOTIFICATION_READ = """
            {"id": "0193a1f4-8d3f-7b21-9e5c-6a1f3d8c2b33", "kind": "POINTS_EARNED", "title": "You earned 250 points",
             "body": "250 points for a purchase of 25000 KRW", "points": 250, "createdAt": "2026-11-25T09:14:05Z",
             "readAt": "2026-11-25T12:30:00Z"}""";

    static final String SUSPENSION_REQUEST = """
            {"reason": "card used at three stores within minutes; under review (ticket 8820)"}""";

    static final String SUSPENDED = """
            {"memberId": "6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f", "name": "Kim Minji", "mobileNumber": "+821012345678",
             "email": "minji.kim@example.com", "status": "SUSPENDED", "grade": "GENERAL",
             "joinedAt": "2026-11-25T09:00:00Z"}""";

    static final String REINSTATEMENT_REQUEST = """
            {"reason": "review closed: the purchases were genuine (ticket 8820)"}""";

    static final String REINSTATED = """
            {"memberId": "6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f", "name": "Kim Minji", "mobileNumber": "+821012345678",
             "email": "minji.kim@example.com", "status": "ACTIVE", "grade": "GENERAL",
             "joinedAt": "2026-11-25T09:00:00Z"}""";

    static final String MEMBER = """
            {"memberId": "6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f", "name": "Kim Minji", "mobileNumber": "+821012345678",
             "email": "minji.kim@example.com", "status": "ACTIVE", "grade": "GENERAL",
             "joinedAt": "2026-11-25T09:00:00Z",
             "cards": [
               {"cardNumber": "9400987612345673", "status": "ACTIVE", "issuedAt": "2026-11-26T08:30:00Z"},
               {"cardNumber": "9400123456789012", "status": "BLOCKED", "issuedAt": "2026-11-25T09:00:00Z"}]}""";

    static final String AUDIT = """
            [{"action": "REINSTATED", "actor": "support.lee", "reason": "review closed: the purchases were genuine (ticket 8820)",
              "at": "2026-11-27T15:10:00Z"},
             {"action": "SUSPENDED", "actor": "support.lee",
              "reason": "card used at three stores within minutes; under review (ticket 8820)",
              "at": "2026-11-27T11:02:00Z"}]""";
}
