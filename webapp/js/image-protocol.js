/**
 * The /image protocol as the page speaks it: the JSON messages both ways (same shapes as the
 * server's records, see docs/IMAGE.md) and the pairing of each `result` with the binary image
 * that follows it.
 * @module image-protocol
 */

/**
 * One operation of a chain: its name and its parameters, e.g. {op: 'blur', radius: 3}.
 * @typedef {{op: string} & Record<string, number|string>} Step
 */

/**
 * Client → server: change what happens to the images that follow. Members left out keep their value.
 * @typedef {object} ConfigureMessage
 * @property {'configure'} type
 * @property {Step[]} [ops]     the chain; [] means echo
 * @property {'png'|'jpeg'} [format]
 * @property {number} [quality] JPEG quality, 0..1
 */

/**
 * Client → server: ask for the operations, formats and limits.
 * @typedef {{type: 'describe'}} DescribeMessage
 */

/**
 * Server → client: an image was processed; the next binary message is the result.
 * @typedef {object} ResultReply
 * @property {'result'} type
 * @property {number} seq            which image of this connection, from 1
 * @property {Step[]} ops            the chain applied, with every parameter
 * @property {string} inputFormat    png, jpeg, gif, bmp or webp
 * @property {string} outputFormat   png or jpeg
 * @property {number} inputWidth
 * @property {number} inputHeight
 * @property {number} width
 * @property {number} height
 * @property {number} inputBytes
 * @property {number} outputBytes
 * @property {number} queueMs        time waiting for a worker
 * @property {number} serverMs       time decoding, processing and encoding
 */

/**
 * Server → client: a message could not be handled; the connection stays open.
 * @typedef {object} ErrorReply
 * @property {'error'} type
 * @property {number} [seq]  the image it answers; absent for text messages and the connect query
 * @property {string} code   not-an-image, unsupported-format, truncated, corrupt, too-many-pixels,
 *                           output-too-large, unknown-operation, bad-parameter, bad-message, busy, internal
 * @property {string} message
 * @property {string[]} valid the valid choices, when the problem is a wrong choice
 */

/**
 * Server → client: the settings now in force.
 * @typedef {{type: 'configured', ops: Step[], format: string, quality: number}} ConfiguredReply
 */

/**
 * One parameter in the catalog.
 * @typedef {object} ParameterInfo
 * @property {string} name
 * @property {'integer'|'number'|'choice'} type
 * @property {number} [min]
 * @property {number} [max]
 * @property {string[]} [choices]
 * @property {number|string} default
 * @property {string} description
 */

/**
 * @typedef {{op: string, description: string, parameters: ParameterInfo[]}} OperationInfo
 */

/**
 * Server → client: what the server offers.
 * @typedef {object} OperationsReply
 * @property {'operations'} type
 * @property {OperationInfo[]} operations
 * @property {string[]} inputFormats
 * @property {string[]} outputFormats
 * @property {{maxMessageBytes: number, maxControlBytes: number, maxPixels: number, maxOutputBytes: number,
 *            maxOperations: number, maxPendingImages: number}} limits
 */

/** @typedef {ResultReply|ErrorReply|ConfiguredReply|OperationsReply} Reply */

/**
 * @param {Step[]} ops
 * @param {'png'|'jpeg'} format
 * @param {number} quality
 * @returns {string} the JSON text of a configure message
 */
export function configureMessage(ops, format, quality) {
  return JSON.stringify({ type: 'configure', ops, format, quality });
}

/** @returns {string} the JSON text of a describe message */
export function describeMessage() {
  return JSON.stringify({ type: 'describe' });
}

const REPLY_TYPES = ['result', 'error', 'configured', 'operations'];

/**
 * Parses a text message from the server.
 * @param {string} text
 * @returns {Reply}
 * @throws {Error} when it is not one of the four replies
 */
export function parseReply(text) {
  let reply;
  try {
    reply = JSON.parse(text);
  } catch (error) {
    throw new Error(`The server sent text that is not JSON: ${error.message}`);
  }
  if (!reply || typeof reply !== 'object' || !REPLY_TYPES.includes(reply.type)) {
    throw new Error(`The server sent an unknown message: ${text.slice(0, 80)}`);
  }
  if (reply.type === 'result' && !(Number.isInteger(reply.seq) && Number.isInteger(reply.width) && Array.isArray(reply.ops))) {
    throw new Error('The server sent a result without seq, width or ops');
  }
  if (reply.type === 'error' && typeof reply.message !== 'string') {
    throw new Error('The server sent an error without a message');
  }
  return reply;
}

/**
 * What one reply from the server amounts to, once its parts are together.
 * @typedef {{kind: 'result', result: ResultReply, image: ArrayBuffer}
 *         | {kind: 'error', error: ErrorReply}
 *         | {kind: 'configured', configured: ConfiguredReply}
 *         | {kind: 'operations', operations: OperationsReply}
 *         | {kind: 'protocol', problem: string}} Completed
 */

/**
 * Joins each `result` with the binary message that follows it. Feed it every message in order;
 * it returns what is complete.
 */
export class ReplyPairer {
  constructor() {
    /** @type {ResultReply|null} */
    this.awaiting = null;
  }

  /**
   * @param {string|ArrayBuffer} data a message's data (binaryType 'arraybuffer')
   * @returns {Completed|null} null while a result waits for its image
   */
  accept(data) {
    if (typeof data !== 'string') {
      const result = this.awaiting;
      this.awaiting = null;
      if (!result) return { kind: 'protocol', problem: `An image of ${data.byteLength} bytes came without a result` };
      return { kind: 'result', result, image: data };
    }
    if (this.awaiting) {
      const lost = this.awaiting;
      this.awaiting = null;
      return { kind: 'protocol', problem: `Result ${lost.seq} came without its image` };
    }
    let reply;
    try {
      reply = parseReply(data);
    } catch (error) {
      return { kind: 'protocol', problem: error.message };
    }
    switch (reply.type) {
      case 'result':
        this.awaiting = reply;
        return null;
      case 'error':
        return { kind: 'error', error: reply };
      case 'configured':
        return { kind: 'configured', configured: reply };
      default:
        return { kind: 'operations', operations: reply };
    }
  }

  /** Forgets a half-received reply, when the socket closes. */
  reset() {
    this.awaiting = null;
  }
}

/**
 * A step as people read it: "blur (radius 3)", "grayscale".
 * @param {Step} step
 * @returns {string}
 */
export function describeStep(step) {
  const parameters = Object.entries(step).filter(([key]) => key !== 'op');
  if (parameters.length === 0) return step.op;
  return `${step.op} (${parameters.map(([key, value]) => `${key} ${value}`).join(', ')})`;
}

/**
 * An error reply as one line for people.
 * @param {ErrorReply} error
 * @returns {string}
 */
export function describeError(error) {
  const where = error.seq === undefined ? '' : `Image ${error.seq}: `;
  const valid = error.valid && error.valid.length > 0 ? ` Valid: ${error.valid.join('; ')}.` : '';
  return `${where}${error.message} [${error.code}]${valid}`;
}
