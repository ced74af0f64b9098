import { createHash } from 'node:crypto';
import type { JsonObject } from '../../fixtures/index.js';

/**
 * OptiPick's clustering and routing results as its REST API would return them, derived only from
 * (seed, request id): a receiver that fetches the same id twice sees the same result, the way a
 * real completed request never changes, and a `--seed` run replays the same bodies.
 */

export interface Rand {
  next(): number;
  int(min: number, max: number): number;
  pick<T>(xs: readonly T[]): T;
}

/** sfc32 keyed by SHA-256 of `${seed}:${id}`: all 128 bits of state come from the hash, so nearby ids diverge at once. */
export function randFor(seed: number, id: string): Rand {
  const h = createHash('sha256').update(`${seed}:${id}`).digest();
  let a = h.readUInt32LE(0);
  let b = h.readUInt32LE(4);
  let c = h.readUInt32LE(8);
  let d = h.readUInt32LE(12);
  const next = () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  return { next, int, pick: (xs) => xs[int(0, xs.length - 1)] };
}

const WAREHOUSES = ['Example', 'Antwerp-DC1', 'Rotterdam', 'Main_Warehouse', 'Gent-02', 'Lyon', 'WH-North'];
const AISLES = 'ABCDEFGHJKLM';
const HEX = '0123456789abcdef';
// Walking distances between pick faces: aisles ~3 m apart, bays ~1.4 m wide.
const AISLE_GAP_M = 3;
const BAY_WIDTH_M = 1.4;

interface Line {
  aisle: number;
  bay: number;
  level: number;
  sku: string;
  quantity: number;
}

const location = (l: Line) => `${AISLES[l.aisle]}-${String(l.bay).padStart(2, '0')}-${l.level}`;

function iso(sec: number): string {
  return new Date(sec * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Fields both results share, the same ones the `*.optimized` event payloads carry. */
function common(id: string, r: Rand): JsonObject {
  const created = r.int(1_704_067_200, 1_782_777_600);
  return {
    request_id: id,
    status: 'completed',
    warehouse: r.pick(WAREHOUSES),
    user_id: Array.from({ length: 24 }, () => HEX[r.int(0, 15)]).join(''),
    created_at: iso(created),
    completed_at: iso(created + r.int(2, 45)),
  };
}

function lines(r: Rand, n: number): Line[] {
  return Array.from({ length: n }, () => ({
    aisle: r.int(0, AISLES.length - 1),
    bay: r.int(1, 40),
    level: r.int(1, 5),
    sku: `SKU-${r.int(100_000, 999_999)}`,
    quantity: r.int(1, 6),
  }));
}

/** Serpentine order (up one aisle, down the next): what a route optimiser returns for a simple layout. */
function serpentine(ls: Line[]): Line[] {
  return [...ls].sort((x, y) => x.aisle - y.aisle || (x.aisle % 2 === 0 ? x.bay - y.bay : y.bay - x.bay) || x.level - y.level);
}

/** Depot → every stop → depot, Manhattan distance over the aisle grid. */
function walk(ls: readonly Line[]): number {
  let [pa, pb, m] = [0, 0, 0];
  for (const l of [...ls, { aisle: 0, bay: 0 }]) {
    m += Math.abs(l.aisle - pa) * AISLE_GAP_M + Math.abs(l.bay - pb) * BAY_WIDTH_M;
    [pa, pb] = [l.aisle, l.bay];
  }
  return Math.round(m * 10) / 10;
}

export function clusterResult(id: string, r: Rand): JsonObject {
  const base = common(id, r);
  let orderNo = r.int(100_000, 899_999);
  const clusters = Array.from({ length: r.int(1, 4) }, (_, i) => {
    const orders = Array.from({ length: r.int(2, 6) }, () => `SO-${orderNo++}`);
    const pick = serpentine(lines(r, r.int(orders.length, orders.length * 3)));
    return {
      id: `cluster_${i + 1}`,
      orders,
      pick_list: pick.map((l) => ({ location: location(l), sku: l.sku, quantity: l.quantity, order: r.pick(orders) })),
      total_quantity: pick.reduce((s, l) => s + l.quantity, 0),
      estimated_distance_m: walk(pick),
    };
  });
  const orders = clusters.reduce((s, c) => s + c.orders.length, 0);
  return { ...base, clusters, summary: { clusters: clusters.length, orders } };
}

export function routeResult(id: string, r: Rand): JsonObject {
  const base = common(id, r);
  const firstPicker = r.int(1, 30);
  const routes = Array.from({ length: r.int(1, 3) }, (_, i) => {
    const stops = serpentine(lines(r, r.int(3, 14)));
    const distance = walk(stops);
    const items = stops.reduce((s, l) => s + l.quantity, 0);
    return {
      picker: `picker_${String(firstPicker + i).padStart(3, '0')}`,
      stops: stops.map((l, n) => ({ sequence: n + 1, location: location(l), sku: l.sku, quantity: l.quantity })),
      distance_m: distance,
      // ~1.1 m/s walking, ~10 s per stop to locate the face, ~2 s per unit picked.
      duration_s: Math.round(distance / 1.1 + stops.length * 10 + items * 2),
    };
  });
  return { ...base, routes };
}
