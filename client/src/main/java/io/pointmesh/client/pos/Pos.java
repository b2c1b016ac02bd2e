package io.pointmesh.client.pos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pointmesh.client.PointmeshClient;
import io.pointmesh.client.ledger.ApiException;
import io.pointmesh.client.ledger.model.CaptureRequest;
import io.pointmesh.client.ledger.model.CardBalance;
import io.pointmesh.client.ledger.model.EarnRequest;
import io.pointmesh.client.ledger.model.EarningView;
import io.pointmesh.client.ledger.model.HoldRequest;
import io.pointmesh.client.ledger.model.RedemptionView;
import io.pointmesh.client.ledger.model.ReversalRequest;
import io.pointmesh.client.ledger.model.ReversalView;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.NumberFormat;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * A point-of-sale simulator for partners' developers ({@code ./pointmesh pos}): what a till does
 * with pointmesh, through the generated Java client, against the local stack, as one of the
 * partners in {@code .pointmesh/local.json} (its own client credentials). Each command prints what
 * it sent and what came back, and a refused request its problem (status, code, detail); exit 1.
 *
 * <pre>
 * pos [--partner ID] [--store CODE] earn CARD AMOUNT [--tx ID --at TIME]
 * pos ... hold CARD POINTS --pin PIN [--tx ID]      (or: hold --code PAYMENT-CODE POINTS)
 * pos ... capture REDEMPTION-ID [POINTS]
 * pos ... void REDEMPTION-ID
 * pos ... refund EARNING-ID AMOUNT [--tx ID]
 * pos ... balance CARD
 * </pre>
 *
 * A transaction id ({@code --tx}) is printed with every write: sending the same command with it
 * again is what a till does after a timeout, and the ledger answers it once (200, the original).
 */
public final class Pos {

    private final PointmeshClient client;
    private final String store;
    private final PrintStream out;
    private final NumberFormat number = NumberFormat.getIntegerInstance(Locale.ROOT);

    Pos(PointmeshClient client, String store, PrintStream out) {
        this.client = client;
        this.store = store;
        this.out = out;
        number.setGroupingUsed(true);
    }

    public static void main(String[] args) throws Exception {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs one command; answers the exit status (0 done, 1 refused, 2 usage). */
    static int run(String[] argv, PrintStream out, PrintStream err) throws Exception {
        List<String> args = new ArrayList<>(List.of(argv));
        Map<String, String> options = new HashMap<>();
        for (String name : List.of("--partner", "--store", "--tx", "--at", "--pin", "--code", "--local-json")) {
            int i = args.indexOf(name);
            if (i >= 0 && i + 1 < args.size()) {
                options.put(name, args.get(i + 1));
                args.remove(i + 1);
                args.remove(i);
            }
        }
        if (args.isEmpty()) {
            err.println(usage());
            return 2;
        }
        Path localJson = Path.of(options.getOrDefault(
                "--local-json", System.getenv().getOrDefault("POINTMESH_LOCAL_JSON", ".pointmesh/local.json")));
        if (!Files.exists(localJson)) {
            err.println(
                    "no " + localJson + ": start the stack with ./pointmesh up --demo (it writes the demo partners)");
            return 2;
        }
        JsonNode local = new ObjectMapper().readTree(localJson.toFile());
        JsonNode partner = null;
        for (JsonNode p : local.path("partners")) {
            if (!options.containsKey("--partner")
                    || p.path("partnerId").asText().equals(options.get("--partner"))) {
                partner = p;
                break;
            }
        }
        if (partner == null) {
            err.println("no partner " + options.getOrDefault("--partner", "") + " in " + localJson
                    + " (./pointmesh up --demo writes the demo partners there)");
            return 2;
        }
        Map<String, URI> services = new HashMap<>();
        local.path("services")
                .fields()
                .forEachRemaining(e -> services.put(
                        e.getKey(), URI.create(e.getValue().path("url").asText())));
        PointmeshClient client = PointmeshClient.of(
                PointmeshClient.clientCredentials(
                        URI.create(local.path("keycloak").path("tokenUrl").asText()),
                        partner.path("clientId").asText(),
                        partner.path("clientSecret").asText()),
                services);
        String store =
                options.getOrDefault("--store", partner.path("stores").path(0).asText());
        out.println("POS of "
                + partner.path("legalName").asText(partner.path("partnerId").asText()) + ", store " + store);
        Pos pos = new Pos(client, store, out);
        String tx = options.getOrDefault("--tx", "pos-" + UUID.randomUUID());
        // a till that retries sends the very same request: the same partnerTxId and the same purchase time
        OffsetDateTime at = options.containsKey("--at")
                ? OffsetDateTime.parse(options.get("--at"))
                : OffsetDateTime.now(ZoneOffset.UTC).withNano(0);
        try {
            switch (args.get(0)) {
                case "earn" -> pos.earn(arg(args, 1), new BigDecimal(arg(args, 2)), tx, at);
                case "hold" -> {
                    if (options.containsKey("--code")) {
                        pos.hold(null, null, options.get("--code"), Long.parseLong(arg(args, 1)), tx);
                    } else {
                        pos.hold(arg(args, 1), options.get("--pin"), null, Long.parseLong(arg(args, 2)), tx);
                    }
                }
                case "capture" -> pos.capture(arg(args, 1), args.size() > 2 ? Long.valueOf(args.get(2)) : null);
                case "void" -> pos.voidHold(arg(args, 1));
                case "refund" -> pos.refund(arg(args, 1), new BigDecimal(arg(args, 2)), tx);
                case "balance" -> pos.balance(arg(args, 1));
                default -> {
                    err.println(usage());
                    return 2;
                }
            }
            return 0;
        } catch (ApiException e) {
            out.println("  <- " + e.getCode() + " " + problem(e.getResponseBody()));
            return 1;
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage() + "\n" + usage());
            return 2;
        }
    }

    void earn(String card, BigDecimal amount, String tx, OffsetDateTime at) throws ApiException {
        out.println("  -> earn " + number.format(amount) + " KRW on card " + masked(card) + " (partnerTxId " + tx
                + ", at " + at + ")");
        var answer = client.earnings()
                .earnWithHttpInfo(new EarnRequest()
                        .partnerTxId(tx)
                        .cardNumber(card)
                        .storeCode(store)
                        .amount(amount)
                        .currency("KRW")
                        .occurredAt(at));
        EarningView e = answer.getData();
        out.println("  <- " + answer.getStatusCode()
                + (answer.getStatusCode() == 200 ? " (a retry: the original answer)" : "") + " earned "
                + number.format(e.getPoints()) + " points (base "
                + number.format(e.getBreakdown().getBasePoints()) + ", campaigns "
                + e.getBreakdown().getCampaignBonuses().size() + ", grade x"
                + e.getBreakdown().getGradeMultiplier()
                + "), available " + e.getAvailableAt() + ", expire " + e.getExpiresAt());
        out.println("     earningId " + e.getEarningId());
        out.println("     after a timeout, retry with: earn " + card + " " + amount.toPlainString() + " --tx " + tx
                + " --at " + at);
    }

    void hold(String card, String pin, String code, long points, String tx) throws ApiException {
        out.println("  -> hold " + number.format(points) + " points "
                + (code != null ? "with payment code " + masked(code) : "on card " + masked(card) + " with its PIN")
                + " (partnerTxId " + tx + ")");
        var answer = client.redemptions()
                .holdWithHttpInfo(new HoldRequest()
                        .partnerTxId(tx)
                        .cardNumber(card)
                        .pin(pin)
                        .paymentCode(code)
                        .storeCode(store)
                        .points(points));
        RedemptionView r = answer.getData();
        out.println("  <- " + answer.getStatusCode()
                + (answer.getStatusCode() == 200 ? " (a retry: the original answer) " : " ")
                + r.getStatus() + " " + number.format(r.getPoints()) + " points until " + r.getExpiresAt()
                + ": capture or void before then");
        out.println("     redemptionId " + r.getRedemptionId());
    }

    void capture(String redemptionId, Long points) throws ApiException {
        out.println("  -> capture " + redemptionId
                + (points == null ? " (all of it)" : " " + number.format(points) + " points"));
        RedemptionView r =
                client.redemptions().capture(UUID.fromString(redemptionId), new CaptureRequest().points(points));
        out.println("  <- " + r.getStatus() + " " + number.format(r.getCapturedPoints()) + " of "
                + number.format(r.getPoints()) + " points (the rest is released)");
    }

    void voidHold(String redemptionId) throws ApiException {
        out.println("  -> void " + redemptionId);
        RedemptionView r = client.redemptions().voidHold(UUID.fromString(redemptionId));
        out.println("  <- " + r.getStatus() + ": " + number.format(r.getPoints()) + " points are the member's again");
    }

    void refund(String earningId, BigDecimal amount, String tx) throws ApiException {
        out.println(
                "  -> refund " + number.format(amount) + " KRW of earning " + earningId + " (partnerTxId " + tx + ")");
        var answer = client.earnings()
                .reverseEarningsWithHttpInfo(
                        UUID.fromString(earningId),
                        new ReversalRequest().partnerTxId(tx).amount(amount));
        ReversalView r = answer.getData();
        out.println("  <- " + answer.getStatusCode()
                + (answer.getStatusCode() == 200 ? " (a retry: the original answer)" : "") + " reversed "
                + number.format(r.getPoints()) + " points"
                + (r.getDebtIncurred() != null && r.getDebtIncurred() > 0
                        ? " (the member had spent them: " + number.format(r.getDebtIncurred()) + " points of debt)"
                        : ""));
        out.println("     reversalId " + r.getReversalId());
    }

    void balance(String card) throws ApiException {
        out.println("  -> balance of card " + masked(card));
        CardBalance b = client.accounts().cardBalance(card);
        out.println("  <- " + number.format(b.getAvailable()) + " points can be spent now");
    }

    private static String arg(List<String> args, int i) {
        if (i >= args.size()) {
            throw new IllegalArgumentException("missing an argument for " + args.get(0));
        }
        return args.get(i);
    }

    /** A card or code as a till shows it: the last four digits. */
    static String masked(String digits) {
        return digits == null || digits.length() <= 4 ? digits : "…" + digits.substring(digits.length() - 4);
    }

    /** "422 insufficient-points: the member has 120 points available" from a problem body. */
    static String problem(String body) {
        try {
            JsonNode p = new ObjectMapper().readTree(body);
            return p.path("code").asText("?") + ": "
                    + p.path("detail").asText(p.path("title").asText(""));
        } catch (Exception e) {
            return body == null ? "" : body;
        }
    }

    static String usage() {
        return """
                usage: ./pointmesh pos [--partner ID] [--store CODE] <command>
                  earn CARD AMOUNT [--tx ID --at TIME]   a purchase of AMOUNT KRW earns points (a retry: the same --tx and --at)
                  hold CARD POINTS --pin PIN [--tx ID]   reserve points to pay with (or: hold --code PAYMENT-CODE POINTS)
                  capture REDEMPTION-ID [POINTS]         take the held points (all, or fewer)
                  void REDEMPTION-ID                     give the held points back
                  refund EARNING-ID AMOUNT [--tx ID]     a refund of AMOUNT KRW takes its points back
                  balance CARD                           the points the card can spend now
                The partner is the first in .pointmesh/local.json (./pointmesh up --demo), or --partner ID.""";
    }
}
