# ruff: noqa: E501, UP031, B007 - a one-off data generator; its long literals are the data
"""Writes the token-estimate corpus: prompts as on-call engineers make them (run once, by hand).

    python tests/data/token_corpus/make_corpus.py        # the samples, *.txt
    node tests/data/token_corpus/count.cjs               # their real token counts (counts.json)

The samples are fabricated but shaped like the real thing: logs, stack traces, code, prose and
non-English text, alone and rendered into the full prompt. Deterministic (a fixed seed).
"""

from __future__ import annotations

import base64
import hashlib
import random
import sys
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

rng = random.Random(20261129)

SERVICES = ["checkout-api", "payments-worker", "auth-gateway", "orders-db", "edge-proxy"]
HOSTS = [
    f"ip-10-{rng.randint(0, 255)}-{rng.randint(0, 255)}-{rng.randint(0, 255)}" for _ in range(8)
]
PATHS = ["/api/v2/checkout", "/api/v2/cart/items", "/healthz", "/api/v1/payments/confirm"]
ERRORS = [
    "upstream connect error or disconnect/reset before headers. reset reason: overflow",
    "context deadline exceeded (Client.Timeout exceeded while awaiting headers)",
    'pq: duplicate key value violates unique constraint "orders_pkey"',
    "java.net.SocketTimeoutException: Read timed out",
    "OOMKilled: container exceeded memory limit (512Mi)",
    "TLS handshake timeout",
    "connection refused",
]


def stamp(i: int) -> str:
    return f"2026-11-29T14:{(7 + i // 600) % 60:02d}:{(i // 10) % 60:02d}.{(i * 37) % 1000:03d}Z"


def plain_log(n: int) -> str:
    lines = []
    for i in range(n):
        level = rng.choice(["INFO", "INFO", "WARN", "ERROR"])
        svc = rng.choice(SERVICES)
        if level == "ERROR":
            msg = rng.choice(ERRORS)
        else:
            msg = f"request handled path={rng.choice(PATHS)} status={rng.choice([200, 200, 201, 499, 502, 504])} duration_ms={rng.randint(2, 9000)}"
        lines.append(
            f"{stamp(i)} {level:<5} [{svc}] host={rng.choice(HOSTS)} trace_id={uuid.UUID(int=rng.getrandbits(128)).hex} {msg}"
        )
    return "\n".join(lines)


def json_log(n: int) -> str:
    lines = []
    for i in range(n):
        lines.append(
            '{"ts":"%s","level":"%s","service":"%s","msg":"%s","request_id":"%s","user_id":%d,"latency_ms":%.1f,"pod":"%s-%s"}'
            % (
                stamp(i),
                rng.choice(["info", "warn", "error"]),
                rng.choice(SERVICES),
                rng.choice(ERRORS).replace('"', '\\"'),
                uuid.UUID(int=rng.getrandbits(128)),
                rng.randint(1000, 9_999_999),
                rng.random() * 5000,
                rng.choice(SERVICES),
                hashlib.sha1(str(i).encode()).hexdigest()[:10],
            )
        )
    return "\n".join(lines)


def access_log(n: int) -> str:
    lines = []
    for i in range(n):
        ip = ".".join(str(rng.randint(1, 254)) for _ in range(4))
        lines.append(
            f'{ip} - - [29/Nov/2026:14:{(7 + i // 60) % 60:02d}:{i % 60:02d} +0000] "{rng.choice(["GET", "POST"])} {rng.choice(PATHS)}?session={rng.getrandbits(48):x} HTTP/1.1" {rng.choice([200, 502, 504, 499])} {rng.randint(0, 90000)} "-" "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36" rt={rng.random() * 30:.3f} uct="{rng.random():.3f}"'
        )
    return "\n".join(lines)


def java_trace(n: int) -> str:
    frames = [
        "com.example.checkout.PaymentService.confirm(PaymentService.java:{})",
        "com.example.checkout.api.CheckoutController.post(CheckoutController.java:{})",
        "org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:{})",
        "jakarta.servlet.http.HttpServlet.service(HttpServlet.java:{})",
        "org.apache.catalina.core.ApplicationFilterChain.internalDoFilter(ApplicationFilterChain.java:{})",
        "com.zaxxer.hikari.pool.HikariPool.getConnection(HikariPool.java:{})",
        "java.base/java.util.concurrent.ThreadPoolExecutor.runWorker(ThreadPoolExecutor.java:{})",
    ]
    out = []
    for i in range(n):
        out.append(
            f"{stamp(i)} ERROR 1 --- [nio-8080-exec-{i % 20}] o.a.c.c.C.[.[.[/].[dispatcherServlet] : Servlet.service() threw exception"
        )
        out.append(
            "java.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available, request timed out after 30000ms."
        )
        for _ in range(rng.randint(6, 14)):
            out.append("\tat " + rng.choice(frames).format(rng.randint(20, 900)))
        out.append(f"\t... {rng.randint(20, 80)} common frames omitted")
    return "\n".join(out)


def python_trace(n: int) -> str:
    out = []
    for _ in range(n):
        out.append("Traceback (most recent call last):")
        for _ in range(rng.randint(4, 9)):
            mod = rng.choice(
                [
                    "app/handlers/checkout.py",
                    "app/db/session.py",
                    "/usr/lib/python3.11/site-packages/sqlalchemy/engine/base.py",
                    "app/clients/stripe_client.py",
                ]
            )
            out.append(
                f'  File "{mod}", line {rng.randint(10, 2000)}, in {rng.choice(["handle", "_execute_context", "confirm_payment", "get_cart", "__call__"])}'
            )
            out.append(
                f"    {rng.choice(['result = conn.execute(stmt, params)', 'return await self.client.post(url, json=body, timeout=5)', 'cart = Cart.query.filter_by(user_id=user.id).one()', 'raise exc_info[1].with_traceback(exc_info[2])'])}"
            )
        out.append(
            rng.choice(
                [
                    "sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) could not connect to server: Connection timed out",
                    "KeyError: 'shipping_address'",
                    "httpx.ReadTimeout: timed out",
                ]
            )
        )
    return "\n".join(out)


def go_panic() -> str:
    out = [
        "panic: runtime error: invalid memory address or nil pointer dereference",
        "[signal SIGSEGV: segmentation violation code=0x1 addr=0x18 pc=0x9f3c2a]",
        "",
    ]
    for g in range(40):
        out.append(
            f"goroutine {g + 1} [{rng.choice(['running', 'select', 'IO wait', 'chan receive'])}, {rng.randint(1, 40)} minutes]:"
        )
        for _ in range(rng.randint(3, 8)):
            fn = rng.choice(
                [
                    "main.(*Server).handleCheckout",
                    "net/http.(*conn).serve",
                    "github.com/example/orders/internal/store.(*PG).Insert",
                    "runtime.gopark",
                    "internal/poll.runtime_pollWait",
                ]
            )
            out.append(f"{fn}(0xc000{rng.getrandbits(24):06x}, 0x{rng.getrandbits(16):x})")
            out.append(
                f"\t/go/src/github.com/example/orders/{rng.choice(['server.go', 'store/pg.go', 'net/http/server.go'])}:{rng.randint(10, 3000)} +0x{rng.getrandbits(12):x}"
            )
        out.append("")
    return "\n".join(out)


def k8s() -> str:
    out = ["LAST SEEN   TYPE      REASON             OBJECT                                MESSAGE"]
    for i in range(120):
        pod = f"pod/{rng.choice(SERVICES)}-{rng.getrandbits(32):08x}-{rng.getrandbits(20):05x}"
        reason, msg = rng.choice(
            [
                ("BackOff", "Back-off restarting failed container"),
                ("Unhealthy", "Readiness probe failed: HTTP probe failed with statuscode: 503"),
                ("OOMKilling", "Memory cgroup out of memory: Killed process 4242 (java)"),
                (
                    "Pulled",
                    'Container image "registry.example.com/checkout:2026.11.29-1405" already present on machine',
                ),
            ]
        )
        out.append(
            f"{rng.randint(1, 59)}m{'':<8}{rng.choice(['Warning', 'Normal']):<10}{reason:<19}{pod:<38}{msg}"
        )
    out.append("")
    out.append(
        'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: checkout-api\n  namespace: prod\n  labels:\n    app: checkout-api\n    version: "2026.11.29-1405"\nspec:\n  replicas: 12\n  strategy:\n    rollingUpdate:\n      maxSurge: 25%\n      maxUnavailable: 0\n  template:\n    spec:\n      containers:\n      - name: app\n        image: registry.example.com/checkout:2026.11.29-1405\n        resources:\n          limits: {cpu: "2", memory: 512Mi}\n          requests: {cpu: 500m, memory: 256Mi}\n        env:\n        - name: DB_POOL_SIZE\n          value: "50"\n        readinessProbe:\n          httpGet: {path: /healthz, port: 8080}\n          periodSeconds: 5'
    )
    return "\n".join(out)


CODE = '''
def confirm_payment(cart: Cart, idempotency_key: str) -> PaymentResult:
    """Charge the cart once, even when the client retries."""
    existing = Payment.query.filter_by(idempotency_key=idempotency_key).one_or_none()
    if existing is not None:
        return PaymentResult.from_payment(existing)
    with db.session.begin_nested():
        payment = Payment(cart_id=cart.id, amount=cart.total, currency=cart.currency)
        db.session.add(payment)
    try:
        charge = stripe.Charge.create(amount=int(cart.total * 100), currency=cart.currency,
                                      idempotency_key=idempotency_key, timeout=5)
    except stripe.error.RateLimitError as exc:
        log.warning("stripe rate limited", extra={"cart": cart.id, "retry_after": exc.retry_after})
        raise RetryLater(seconds=exc.retry_after or 2) from exc
    payment.charge_id = charge["id"]
    return PaymentResult(ok=True, charge_id=charge["id"])
'''

TS = """
export async function fetchCart(userId: string, signal?: AbortSignal): Promise<Cart> {
  const res = await fetch(`${API_BASE}/api/v2/cart?user=${encodeURIComponent(userId)}`, {
    headers: { "Accept": "application/json", "X-Request-Id": crypto.randomUUID() },
    signal,
  });
  if (!res.ok) {
    throw new HttpError(res.status, await res.text());
  }
  const body = (await res.json()) as CartResponse;
  return { id: body.id, items: body.items.map(toItem), total: Number(body.total_cents) / 100 };
}
"""

SQL = """
-- 2026_11_29_1400_add_orders_idempotency.sql
BEGIN;
ALTER TABLE orders ADD COLUMN idempotency_key text;
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS orders_idempotency_key_idx ON orders (idempotency_key);
UPDATE orders SET status = 'pending_review' WHERE status = 'pending' AND created_at < now() - interval '2 hours';
COMMIT;
EXPLAIN ANALYZE SELECT o.id, o.total_cents, c.email FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.created_at > '2026-11-29 14:00' ORDER BY o.created_at DESC LIMIT 100;
"""

PROSE = (
    "At 14:05 UTC we deployed release 2026.11.29-1405 of the checkout service. Within two minutes "
    "the error rate on the checkout endpoint rose from a baseline of 0.2% to roughly 30%, and "
    "customers on mobile reported that the payment button spun forever before showing a generic "
    "error. The on-call engineer paged the payments team at 14:11. Dashboards showed the database "
    "connection pool saturated on every replica while CPU stayed low, which suggested waiting "
    "rather than work. The release had raised the pool size from 20 to 50 per pod and doubled the "
    "number of pods, so the primary database received far more connections than its limit of 500. "
    "Rolling back is possible but the release also contains a schema migration that added a column; "
    "the previous version ignores that column, so a rollback of the code alone should be safe. "
)

GERMAN = (
    "Seit dem Deployment um 14:05 Uhr schlagen etwa dreißig Prozent der Bestellungen fehl. Die "
    "Kunden sehen nach dem Klick auf „Jetzt bezahlen“ eine allgemeine Fehlermeldung, und im "
    "Monitoring steigt die Antwortzeit der Zahlungsschnittstelle auf über zwölf Sekunden. Die "
    "Datenbankverbindungen sind vollständig ausgelastet; ein Zurückrollen wäre möglich, aber die "
    "Migration hat eine neue Spalte hinzugefügt, die die ältere Version nicht kennt. "
)

FRENCH = (
    "Depuis la mise en production de 14 h 05, environ trente pour cent des paiements échouent. Les "
    "clients voient un message d’erreur générique après avoir cliqué sur « Payer », et le temps de "
    "réponse de l’API de paiement dépasse douze secondes. Les connexions à la base de données sont "
    "saturées ; un retour arrière est possible, mais la migration a ajouté une colonne. "
)

SPANISH = (
    "Desde el despliegue de las 14:05, alrededor del treinta por ciento de los pagos fallan. Los "
    "usuarios ven un error genérico después de pulsar «Pagar», y la latencia del servicio de pagos "
    "supera los doce segundos. El grupo de conexiones de la base de datos está agotado. "
)

JAPANESE = (
    "14時05分のデプロイ以降、決済の約三割が失敗しています。利用者は「今すぐ支払う」を押した後に一般的な"
    "エラーメッセージを目にし、決済APIの応答時間は十二秒を超えています。データベースの接続プールは"
    "すべてのレプリカで枯渇しており、CPU使用率は低いままです。ロールバックは可能ですが、"
    "マイグレーションで新しい列が追加されています。"
)

CHINESE = (
    "自14:05发布以来，大约百分之三十的支付请求失败。用户点击“立即支付”后看到通用错误提示，"
    "支付接口的响应时间超过十二秒。所有副本上的数据库连接池均已耗尽，而CPU使用率仍然很低。"
    "可以回滚，但迁移脚本新增了一列，旧版本不会读取该列。"
)

RUSSIAN = (
    "После выкладки в 14:05 около тридцати процентов платежей завершаются ошибкой. Пользователи "
    "видят общее сообщение об ошибке после нажатия «Оплатить», а время ответа платёжного API "
    "превышает двенадцать секунд. Пул соединений с базой данных исчерпан на всех репликах. "
)

KOREAN = (
    "14시 05분 배포 이후 결제의 약 30퍼센트가 실패하고 있습니다. 사용자는 결제 버튼을 누른 뒤 일반적인 "
    "오류 메시지를 보며, 결제 API 응답 시간이 12초를 넘습니다. 데이터베이스 연결 풀이 고갈되었습니다. "
)


def repeat(text: str, size: int) -> str:
    out = []
    while sum(len(p) for p in out) < size:
        out.append(text)
    return "".join(out)


def dense() -> str:
    out = []
    for i in range(300):
        digest = hashlib.sha256(str(i).encode()).hexdigest()
        blob = base64.b64encode(hashlib.sha512(str(i).encode()).digest()).decode()
        out.append(
            f"sha256:{digest} layer={blob} commit={digest[:40]} build=#{rng.randint(1000, 99999)}"
        )
    return "\n".join(out)


def counters(n: int) -> str:
    return "".join(f"{i:08d} ERROR something broke\n" for i in range(n))


def epoch_ids(n: int) -> str:
    out = []
    for i in range(n):
        out.append(
            f"{1796032032000 + i * 37} order={rng.getrandbits(62)} user={rng.randint(10**9, 10**10)} "
            f"amount={rng.randint(100, 999999)} cents status=DECLINED code=402 retry={i % 7}"
        )
    return "\n".join(out)


def rendered(values: dict[str, str], max_tokens: int = 32_000) -> str:
    from tui.core.masking import RedactOptions
    from tui.core.prompt import TemplateLibrary, prompt_for

    return prompt_for(
        values,
        TemplateLibrary(),
        "incident-response",
        max_tokens=max_tokens,
        redact=RedactOptions(),
    ).text


def main() -> None:
    small = {
        "incident_summary": "Checkout API returns HTTP 500 for ~30% of requests since the 14:05 deploy.",
        "environment": "production, eu-west-1",
        "current_behavior": "Payment button spins, then a generic error.",
        "severity": "SEV1",
        "started_at": "14:07 UTC",
    }
    samples = {
        "prompt-empty": rendered({}),
        "prompt-short": rendered(small),
        "prompt-prose": rendered(
            {
                **small,
                "project_context": PROSE * 3,
                "recent_changes": PROSE,
                "rollback_options": PROSE,
            }
        ),
        "prompt-log-heavy": rendered(
            {**small, "error_logs": plain_log(40_000), "monitoring": json_log(3_000)}
        ),
        "prompt-stack-traces": rendered(
            {**small, "error_logs": java_trace(400), "suspected_files": python_trace(40)}
        ),
        "prompt-access-log": rendered({**small, "error_logs": access_log(20_000)}),
        "prompt-german": rendered(
            {**small, "incident_summary": GERMAN, "current_behavior": GERMAN * 2}
        ),
        "prompt-japanese": rendered(
            {**small, "incident_summary": JAPANESE, "current_behavior": JAPANESE * 3}
        ),
        "prompt-counters": rendered({**small, "error_logs": counters(200_000)}),
        "log-counters": counters(3_000),
        "log-epoch-ids": epoch_ids(1_000),
        "log-plain": plain_log(400),
        "log-json": json_log(300),
        "log-access": access_log(300),
        "trace-java": java_trace(20),
        "trace-python": python_trace(15),
        "trace-go": go_panic(),
        "k8s-events-yaml": k8s(),
        "code-python": CODE * 4,
        "code-typescript": TS * 4,
        "code-sql": SQL * 4,
        "prose-english": repeat(PROSE, 6000),
        "prose-german": repeat(GERMAN, 6000),
        "prose-french": repeat(FRENCH, 6000),
        "prose-spanish": repeat(SPANISH, 6000),
        "prose-japanese": repeat(JAPANESE, 3000),
        "prose-chinese": repeat(CHINESE, 3000),
        "prose-russian": repeat(RUSSIAN, 6000),
        "prose-korean": repeat(KOREAN, 3000),
        "hashes-base64": dense(),
    }
    for name, text in samples.items():
        (HERE / f"{name}.txt").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
