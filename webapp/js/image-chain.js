/**
 * The image studio's chain editor: one row per operation, each with the inputs for its
 * parameters, built from the server's `operations` catalog (so the page never offers what the
 * server lacks). DOM is built with createElement only.
 * @module image-chain
 */

/** @typedef {import('./image-protocol.js').OperationInfo} OperationInfo */
/** @typedef {import('./image-protocol.js').ParameterInfo} ParameterInfo */
/** @typedef {import('./image-protocol.js').Step} Step */

/**
 * Reads a parameter's input value the way the server expects it: numbers as numbers.
 * @param {ParameterInfo} parameter
 * @param {string} text the input's value
 * @returns {number|string} the value; the default when the input is empty
 */
export function readParameter(parameter, text) {
  const trimmed = String(text).trim();
  if (trimmed === '') return parameter.default;
  if (parameter.type === 'choice') return trimmed;
  const value = Number(trimmed);
  return Number.isNaN(value) ? trimmed : value;
}

/**
 * What is wrong with a parameter's input, in words, or null when the server will accept it.
 * @param {ParameterInfo} parameter
 * @param {string} text the input's value ('' means the default)
 * @returns {string|null}
 */
export function parameterProblem(parameter, text) {
  const trimmed = String(text).trim();
  if (trimmed === '') return null;
  if (parameter.type === 'choice' || (parameter.choices && parameter.choices.length > 0)) {
    return parameter.choices && !parameter.choices.includes(trimmed) ? `${parameter.name} must be one of ${parameter.choices.join(', ')}` : null;
  }
  const value = Number(trimmed);
  const range = `${parameter.min}–${parameter.max}`;
  if (!Number.isFinite(value)) return `${parameter.name} must be a number (${range})`;
  if (parameter.type === 'integer' && !Number.isInteger(value)) return `${parameter.name} must be a whole number (${range})`;
  if ((parameter.min !== undefined && value < parameter.min) || (parameter.max !== undefined && value > parameter.max)) {
    return `${parameter.name} must be between ${parameter.min} and ${parameter.max}, not ${trimmed}`;
  }
  return null;
}

/**
 * A step with every parameter at its default.
 * @param {OperationInfo} operation
 * @returns {Step}
 */
export function defaultStep(operation) {
  const step = { op: operation.op };
  operation.parameters.forEach((p) => {
    step[p.name] = p.default;
  });
  return step;
}

export class ChainEditor {
  /**
   * @param {HTMLOListElement} list where the rows go
   * @param {{initial?: string[], onChange?: () => void}} [options]
   */
  constructor(list, { initial = ['grayscale'], onChange = () => {} } = {}) {
    this.list = list;
    this.initial = initial;
    this.onChange = onChange;
    /** @type {Map<string, OperationInfo>} */
    this.catalog = new Map();
    this.max = 16;
    list.addEventListener('change', (event) => this.changed(event));
    list.addEventListener('input', () => {
      this.validate();
      this.onChange();
    });
    list.addEventListener('click', (event) => this.clicked(event));
  }

  /**
   * Takes the server's catalog; the first time, adds the initial rows.
   * @param {OperationInfo[]} operations
   * @param {number} maxOperations
   */
  setCatalog(operations, maxOperations) {
    const first = this.catalog.size === 0;
    this.catalog = new Map(operations.map((o) => [o.op, o]));
    this.max = maxOperations;
    if (first) this.initial.filter((name) => this.catalog.has(name)).forEach((name) => this.add(name));
  }

  /** @returns {boolean} whether operations can be added */
  get ready() {
    return this.catalog.size > 0;
  }

  /** @returns {number} how many rows there are */
  get size() {
    return this.list.children.length;
  }

  /**
   * Adds a row at the end.
   * @param {string} [name] the operation, the first in the catalog when left out
   */
  add(name = this.catalog.keys().next().value) {
    if (!this.ready || this.size >= this.max) return;
    const row = document.createElement('li');
    row.className = 'step';
    const select = document.createElement('select');
    select.className = 'step-op';
    for (const op of this.catalog.keys()) {
      const option = document.createElement('option');
      option.value = op;
      option.textContent = op;
      select.append(option);
    }
    select.value = name;
    const params = document.createElement('span');
    params.className = 'step-params';
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.className = 'step-remove secondary';
    remove.textContent = '✕';
    const help = document.createElement('p');
    help.className = 'step-help';
    const error = document.createElement('p');
    error.className = 'param-error';
    error.setAttribute('role', 'alert');
    row.append(select, params, remove, help, error);
    this.list.append(row);
    this.fillParameters(row);
    this.renumber();
    this.onChange();
  }

  /**
   * Marks every invalid parameter input (aria-invalid and a message in its row).
   * @returns {string[]} the problems, "Operation 2: radius must be between 0 and 50, not 999"
   */
  validate() {
    const problems = [];
    Array.from(this.list.children).forEach((row, i) => {
      const operation = this.catalog.get(row.querySelector('.step-op').value);
      const messages = [];
      operation.parameters.forEach((p) => {
        const input = row.querySelector(`[data-name="${p.name}"]`);
        const problem = input ? parameterProblem(p, input.value) : null;
        if (input) input.setAttribute('aria-invalid', String(problem !== null));
        if (problem) messages.push(problem);
      });
      const error = row.querySelector('.param-error');
      if (error) error.textContent = messages.join('; ');
      messages.forEach((m) => problems.push(`Operation ${i + 1} (${operation.op}): ${m}`));
    });
    return problems;
  }

  /** @returns {boolean} whether every parameter is valid (marks the invalid ones) */
  get valid() {
    return this.validate().length === 0;
  }

  /** @returns {Step[]} the chain as the inputs say now */
  steps() {
    return Array.from(this.list.children, (row) => {
      const operation = this.catalog.get(row.querySelector('.step-op').value);
      const step = { op: operation.op };
      operation.parameters.forEach((p) => {
        const input = row.querySelector(`[data-name="${p.name}"]`);
        step[p.name] = readParameter(p, input ? input.value : '');
      });
      return step;
    });
  }

  /** @private */
  changed(event) {
    const row = event.target.closest('.step');
    if (row && event.target.classList.contains('step-op')) this.fillParameters(row);
    this.validate();
    this.onChange();
  }

  /** @private */
  clicked(event) {
    const row = event.target.closest('.step');
    if (!row || !event.target.classList.contains('step-remove')) return;
    row.remove();
    this.renumber();
    this.onChange();
  }

  /** @private the inputs for the parameters of the row's operation, at their defaults */
  fillParameters(row) {
    const operation = this.catalog.get(row.querySelector('.step-op').value);
    const params = row.querySelector('.step-params');
    params.replaceChildren();
    for (const p of operation.parameters) {
      const label = document.createElement('label');
      label.title = p.description;
      label.append(document.createTextNode(`${p.name} `));
      let input;
      if (p.choices && p.choices.length > 0) {
        input = document.createElement('select');
        p.choices.forEach((choice) => {
          const option = document.createElement('option');
          option.value = choice;
          option.textContent = choice;
          input.append(option);
        });
      } else {
        input = document.createElement('input');
        input.type = 'number';
        input.min = String(p.min);
        input.max = String(p.max);
        input.step = p.type === 'integer' ? '1' : '0.1';
      }
      input.className = 'step-param';
      input.dataset.name = p.name;
      input.value = String(p.default);
      label.append(input);
      params.append(label);
    }
    // shown, not a hover title: touch screens have no hover
    row.querySelector('.step-help').textContent = operation.description;
    const error = row.querySelector('.param-error');
    if (error) error.textContent = '';
  }

  /** @private numbers the rows and labels their controls */
  renumber() {
    Array.from(this.list.children).forEach((row, i) => {
      row.dataset.index = String(i + 1);
      row.querySelector('.step-op').setAttribute('aria-label', `Operation ${i + 1}`);
      row.querySelector('.step-remove').setAttribute('aria-label', `Remove operation ${i + 1}`);
    });
  }
}
