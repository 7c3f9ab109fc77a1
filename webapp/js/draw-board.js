/**
 * What a page knows of its board: the members, the snapshot, the finished strokes in the order the
 * server committed them and the strokes being drawn; and how strokes are painted. The model holds
 * no DOM: {@link BoardModel#apply} says what a message changed and the page repaints that.
 * @module draw-board
 */
import { HEIGHT, SUBPIXELS, WIDTH } from './draw-codec.js';

/**
 * @typedef {import('./draw-codec.js').Sample} Sample
 * @typedef {{id: number, member: number, rgb: number, width: number, samples: Sample[]}} Stroke
 * @typedef {'none'|'members'|'cursor'|'overlay'|'commit'|'repaint'|'welcome'} Change
 */

export class BoardModel {
  constructor() {
    /** this page's member id on the board; 0 before the welcome */
    this.self = 0;
    /** @type {Map<number, {name: string, x: number, y: number, seen: boolean}>} */
    this.members = new Map();
    /** @type {CanvasImageSource|null} the board as of stroke `snapshotUpTo` */
    this.snapshot = null;
    this.snapshotUpTo = 0;
    /** @type {Stroke[]} finished strokes after the snapshot, in commit order */
    this.strokes = [];
    /** @type {Map<number, Stroke>} strokes being drawn, by id */
    this.active = new Map();
    /** the stroke just committed, for an incremental paint */
    /** @type {Stroke|null} */
    this.lastCommitted = null;
  }

  /**
   * Applies one decoded server message (a snapshot's image must already be decoded: `m.image`).
   * @param {import('./draw-codec.js').ServerMessage & {image?: CanvasImageSource}} m
   * @returns {Change}
   */
  apply(m) {
    switch (m.type) {
      case 'welcome':
        this.self = m.member;
        this.members.clear();
        this.snapshot = null;
        this.snapshotUpTo = 0;
        this.strokes = [];
        this.active.clear();
        return 'welcome';
      case 'member':
        this.members.set(m.member, { name: m.name, x: 0, y: 0, seen: false });
        return 'members';
      case 'left':
        this.members.delete(m.member);
        return 'members';
      case 'begin':
        this.active.set(m.stroke, { id: m.stroke, member: m.member, rgb: m.rgb, width: m.width, samples: [] });
        return 'overlay';
      case 'points': {
        const stroke = this.active.get(m.stroke);
        if (!stroke) return 'none';
        stroke.samples.push(...m.samples);
        const [x, y] = m.samples[m.samples.length - 1];
        this.moveCursor(stroke.member, x, y);
        return 'overlay';
      }
      case 'end': {
        const stroke = this.active.get(m.stroke);
        if (!stroke) return 'none';
        this.active.delete(m.stroke);
        this.strokes.push(stroke);
        this.lastCommitted = stroke;
        return 'commit';
      }
      case 'cursor':
        this.moveCursor(m.member, m.x, m.y);
        return 'cursor';
      case 'remove': {
        const before = this.strokes.length;
        this.strokes = this.strokes.filter((s) => s.id !== m.stroke);
        return this.strokes.length === before ? 'none' : 'repaint';
      }
      case 'clear':
        this.snapshot = null;
        this.snapshotUpTo = 0;
        this.strokes = [];
        this.active.clear();
        return 'repaint';
      case 'snapshot':
        this.snapshot = m.image ?? null;
        this.snapshotUpTo = m.upTo;
        return 'repaint';
      default:
        return 'none';
    }
  }

  moveCursor(member, x, y) {
    const who = this.members.get(member);
    if (who) Object.assign(who, { x, y, seen: true });
  }

  /**
   * The strokes up to and including stroke `upTo` (all of them when it is not in the list).
   * @param {number} [upTo]
   * @returns {Stroke[]}
   */
  strokesUpTo(upTo) {
    if (upTo === undefined) return this.strokes;
    const at = this.strokes.findIndex((s) => s.id === upTo);
    return at < 0 ? this.strokes : this.strokes.slice(0, at + 1);
  }

  /**
   * The server kept a snapshot up to `upTo`: this page does the same with its own rendering of it
   * (`image`), so that it holds no more strokes than the server.
   * @param {number} upTo
   * @param {CanvasImageSource} image the board painted up to `upTo` ({@link paintBoard})
   */
  compact(upTo, image) {
    const at = this.strokes.findIndex((s) => s.id === upTo);
    if (at < 0) return;
    this.strokes = this.strokes.slice(at + 1);
    this.snapshot = image;
    this.snapshotUpTo = upTo;
  }
}

/** "#rrggbb" of a 0xRRGGBB number. */
export function cssColour(rgb) {
  return `#${rgb.toString(16).padStart(6, '0')}`;
}

/** 0xRRGGBB of "#rrggbb". */
export function rgbOf(css) {
  return Number.parseInt(css.slice(1), 16);
}

/**
 * The width of a segment ending at a sample: the stroke's width, scaled by the pen's pressure when
 * the device gave one (0: none).
 * @param {number} width
 * @param {number} pressure 0-255
 */
export function segmentWidth(width, pressure) {
  return pressure === 0 ? width : Math.max(0.5, (width * pressure) / 255);
}

/**
 * Paints one stroke: round-capped segments from sample to sample, a dot for a single sample. The
 * same samples paint the same pixels on every page of one browser engine.
 * @param {CanvasRenderingContext2D} ctx
 * @param {{rgb: number, width: number, samples: Sample[]}} stroke
 */
export function paintStroke(ctx, stroke) {
  const { samples } = stroke;
  if (samples.length === 0) return;
  const colour = cssColour(stroke.rgb);
  ctx.strokeStyle = colour;
  ctx.fillStyle = colour;
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  if (samples.length === 1) {
    const [x, y, p] = samples[0];
    ctx.beginPath();
    ctx.arc(x / SUBPIXELS, y / SUBPIXELS, segmentWidth(stroke.width, p) / 2, 0, Math.PI * 2);
    ctx.fill();
    return;
  }
  for (let i = 1; i < samples.length; i += 1) {
    const [x0, y0] = samples[i - 1];
    const [x1, y1, p] = samples[i];
    ctx.lineWidth = segmentWidth(stroke.width, p);
    ctx.beginPath();
    ctx.moveTo(x0 / SUBPIXELS, y0 / SUBPIXELS);
    ctx.lineTo(x1 / SUBPIXELS, y1 / SUBPIXELS);
    ctx.stroke();
  }
}

/**
 * Paints the whole board: white, the snapshot, then the strokes in commit order (up to `upTo`).
 * @param {CanvasRenderingContext2D} ctx a context of a WIDTH x HEIGHT canvas
 * @param {BoardModel} model
 * @param {number} [upTo]
 */
export function paintBoard(ctx, model, upTo) {
  ctx.imageSmoothingEnabled = false;
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, WIDTH, HEIGHT);
  if (model.snapshot) ctx.drawImage(model.snapshot, 0, 0);
  model.strokesUpTo(upTo).forEach((stroke) => paintStroke(ctx, stroke));
}
