// ---------------------------------------------------------------------------
// Pasted unchanged from the OmniSales guide (seeds/004_…, "Implementation
// Examples → Node.js (Express)"). Everything below this block is the guide's
// code byte for byte; do not edit it — hookgate must judge what users paste.
// Known flaws: see README.md in this folder. To run it on a chosen port:
//   PORT=… WEBHOOK_SECRET=whsec_… node --require ./examples/receivers/port-shim.cjs examples/receivers/omnisales-guide.cjs
// ---------------------------------------------------------------------------

const express = require('express');
const crypto = require('crypto');

const app = express();
app.use(express.json());

const WEBHOOK_SECRET = process.env.WEBHOOK_SECRET;

// Middleware to verify webhook signature
function verifyWebhook(req, res, next) {
  const signature = req.headers['x-webhook-signature'];
  const timestamp = parseInt(req.headers['x-webhook-timestamp']);
  const payload = JSON.stringify(req.body);

  const currentTime = Math.floor(Date.now() / 1000);
  if (Math.abs(currentTime - timestamp) > 300) {
    return res.status(401).json({ error: 'Request too old' });
  }

  const expectedSignature = crypto
    .createHmac('sha256', WEBHOOK_SECRET)
    .update(payload)
    .digest('hex');

  if (!crypto.timingSafeEqual(Buffer.from(signature), Buffer.from(expectedSignature))) {
    return res.status(401).json({ error: 'Invalid signature' });
  }

  next();
}

// Webhook endpoint
app.post('/webhooks/omni', verifyWebhook, async (req, res) => {
  const { event, data } = req.body;

  console.log(`Received webhook: ${event}`);

  try {
    switch (event) {
      case 'order.created':
        await handleOrderCreated(data);
        break;
      case 'payment.received':
        await handlePaymentReceived(data);
        break;
      case 'customer.created':
        await handleCustomerCreated(data);
        break;
      default:
        console.log(`Unhandled event: ${event}`);
    }

    res.status(200).json({ received: true });
  } catch (error) {
    console.error('Webhook error:', error);
    res.status(500).json({ error: 'Processing failed' });
  }
});

async function handleOrderCreated(data) {
  // Your business logic
  console.log(`New order: ${data.order_id} for ${data.customer_email}`);
  // Send confirmation email, update inventory, etc.
}

async function handlePaymentReceived(data) {
  console.log(`Payment received: ${data.payment_id} for order ${data.order_id}`);
  // Update order status, send receipt, etc.
}

async function handleCustomerCreated(data) {
  console.log(`New customer: ${data.customer_id} - ${data.email}`);
  // Add to CRM, send welcome email, etc.
}

app.listen(3000, () => {
  console.log('Webhook server running on port 3000');
});
