// Plane geometry for the floor-plan editor: points, distances and polygon areas.

export interface Point {
  x: number;
  y: number;
}

export const EPSILON = 1e-9;

export function distance(a: Point, b: Point): number {
  return Math.hypot(b.x - a.x, b.y - a.y);
}

export function perimeter(points: Point[]): number {
  let sum = 0;
  for (let i = 0; i < points.length; i++) {
    sum += distance(points[i], points[(i + 1) % points.length]);
  }
  return sum;
}

export function polygonArea(points: Point[]): number {
  let twice = 0;
  for (let i = 0; i < points.length; i++) {
    const p = points[i];
    const q = points[(i + 1) % points.length];
    twice += p.x * q.y - q.x * p.y;
  }
  return Math.abs(twice) / 2;
}

export function isDegenerate(points: Point[]): boolean {
  return points.length < 3 || polygonArea(points) < EPSILON;
}

export function roomAreaLabel(name: string, points: Point[]): string {
  return `${name}: ${polygonArea(points).toFixed(2)} m²`;
}
