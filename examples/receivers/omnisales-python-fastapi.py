# ---------------------------------------------------------------------------
# Pasted unchanged from the OmniSales guide (seeds/004_…, "Implementation
# Examples → Python (FastAPI)"). From the end of this header to the next rule
# line is the guide's code byte for byte; only the block at the end of the file
# is added: the minimum to run it (the secret from the environment instead of
# the pasted "your_webhook_secret", uvicorn on 127.0.0.1:$PORT). Known flaws: README.md here.
#   PORT=… WEBHOOK_SECRET=whsec_… /usr/bin/python3 examples/receivers/omnisales-python-fastapi.py
# Webhook: POST /webhooks/omni. Needs fastapi + uvicorn (Debian: python3-fastapi python3-uvicorn).
# ---------------------------------------------------------------------------

from fastapi import FastAPI, Request, HTTPException
from pydantic import BaseModel
import hmac
import hashlib
import time
from typing import Optional, Any, Dict

app = FastAPI()

WEBHOOK_SECRET = "your_webhook_secret"

class WebhookPayload(BaseModel):
    id: str
    event: str
    created_at: str
    data: Dict[str, Any]

def verify_signature(payload: str, signature: str, timestamp: int) -> bool:
    current_time = int(time.time())
    if abs(current_time - timestamp) > 300:
        return False

    expected_signature = hmac.new(
        WEBHOOK_SECRET.encode(),
        payload.encode(),
        hashlib.sha256
    ).hexdigest()

    return hmac.compare_digest(signature, expected_signature)

@app.post("/webhooks/omni")
async def handle_webhook(request: Request):
    # Get headers
    signature = request.headers.get("x-webhook-signature")
    timestamp = int(request.headers.get("x-webhook-timestamp", 0))

    # Get raw body for signature verification
    body = await request.body()
    payload_str = body.decode()

    # Verify signature
    if not verify_signature(payload_str, signature, timestamp):
        raise HTTPException(status_code=401, detail="Invalid signature")

    # Parse payload
    payload = await request.json()
    event = payload["event"]
    data = payload["data"]

    # Handle events
    if event == "order.created":
        await handle_order_created(data)
    elif event == "payment.received":
        await handle_payment_received(data)
    elif event == "customer.created":
        await handle_customer_created(data)

    return {"received": True}

async def handle_order_created(data: dict):
    print(f"New order: {data['order_id']} for {data['customer_email']}")
    # Your business logic

async def handle_payment_received(data: dict):
    print(f"Payment received: {data['payment_id']}")
    # Your business logic

async def handle_customer_created(data: dict):
    print(f"New customer: {data['customer_id']}")
    # Your business logic

# ---------------------------------------------------------------------------
# Added (not from the guide): the minimum to run the pasted code.
# WEBHOOK_SECRET, or HOOKGATE_SECRET as `hookgate check --start` provides it. verify_signature()
# reads the module-level WEBHOOK_SECRET at call time, so rebinding it here is all it takes.
import os

WEBHOOK_SECRET = os.environ.get('WEBHOOK_SECRET') or os.environ['HOOKGATE_SECRET']

if __name__ == '__main__':
    import uvicorn

    # PORT=0 lets the OS pick a port (uvicorn's startup line on stderr names it).
    uvicorn.run(app, host='127.0.0.1', port=int(os.environ.get('PORT', '8000')))
