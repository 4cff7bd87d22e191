// A Node.js function's worker process: `node node_worker.mjs FD ENTRY EXPORT`.
//
// Runs with the function's folder as working directory. Reads one request a line on standard
// input — {"id", "deadline" (epoch ms), "arn", "event"} — calls the handler as AWS Lambda's
// Node.js runtime does (async, promise or callback style; context.succeed/fail/done), and writes
// one reply a line to file descriptor FD: {"id", "error": bool, "payload": "<JSON text>",
// "exit": bool}. Standard output and error are the function's own (the server logs them); after
// each invocation a marker line tells the server that the invocation's output is complete.
// Exits at end of input.

import { existsSync, writeSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { types } from 'node:util';

const END_MARK = '\x1e\x1fuserpool-end ';
const [replyFd, entry, exportName] = process.argv.slice(2).map((arg, i) => (i ? arg : Number(arg)));
const moduleName = basename(entry, extname(entry));
process.env.AWS_EXECUTION_ENV ??= `AWS_Lambda_nodejs${process.versions.node.split('.')[0]}.x`;

let handler = null;
let current = null; // the invocation in flight: { id, settle, waiting }

class Fault extends Error {
  constructor(errorType, errorMessage, trace = []) {
    super(errorMessage);
    this.errorType = errorType;
    this.trace = trace;
  }
}

function isErrorLike(value) {
  return types.isNativeError(value) || (value instanceof Object && 'message' in value && 'name' in value);
}

function errorDocument(error) {
  if (error instanceof Fault) {
    return { errorType: error.errorType, errorMessage: error.message, trace: error.trace };
  }
  if (isErrorLike(error)) {
    return {
      errorType: String(error.name || 'Error'),
      errorMessage: String(error.message),
      trace: stackOf(error),
    };
  }
  return { errorType: typeof error, errorMessage: String(error), trace: [] };
}

// A stack's lines, less this worker's own frames.
function stackOf(error) {
  if (!isErrorLike(error)) return [];
  return String(error.stack ?? '').split('\n').filter((line) => !line.includes(import.meta.url));
}

async function loadHandler() {
  let module;
  try {
    module = await import(pathToFileURL(entry).href);
  } catch (error) {
    if (!existsSync(entry)) {
      throw new Fault('Runtime.ImportModuleError', `Error: Cannot find module '${moduleName}'`);
    }
    if (error instanceof SyntaxError) {
      throw new Fault('Runtime.UserCodeSyntaxError', `${error.name}: ${error.message}`, stackOf(error));
    }
    if (error?.code === 'ERR_MODULE_NOT_FOUND' || error?.code === 'MODULE_NOT_FOUND') {
      throw new Fault('Runtime.ImportModuleError', `${error.name}: ${error.message}`, stackOf(error));
    }
    throw error; // thrown by the module's own top-level code: reported as it is
  }
  const found = module[exportName] ?? module.default?.[exportName];
  if (typeof found !== 'function') {
    throw new Fault('Runtime.HandlerNotFound', `${moduleName}.${exportName} is undefined or not exported`);
  }
  return found;
}

function writeAll(fd, text) {
  const data = Buffer.from(text);
  let offset = 0;
  while (offset < data.length) {
    try {
      offset += writeSync(fd, data, offset);
    } catch (error) {
      if (error.code !== 'EAGAIN') throw error;
    }
  }
}

function reply(id, error, result, exit = false) {
  let failed = error !== null && error !== undefined;
  let payload;
  if (!failed) {
    try {
      payload = JSON.stringify(result) ?? 'null';
    } catch (marshal) {
      failed = true;
      error = new Fault('Runtime.MarshalError', `Unable to stringify response body: ${marshal.message}`);
    }
  }
  if (failed) payload = JSON.stringify(errorDocument(error));
  process.stdout.write(`${END_MARK}${id}\n`);
  writeAll(replyFd, `${JSON.stringify({ id, error: failed, payload, exit })}\n`);
}

function makeContext(request, callback) {
  const env = process.env;
  const deadline = Number(request.deadline);
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
    invokedFunctionArn: request.arn,
    memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    awsRequestId: request.id,
    logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
    getRemainingTimeInMillis: () => Math.max(0, Math.floor(deadline - Date.now())),
    succeed: (result) => callback(null, result),
    fail: (error) => callback(error ?? 'handled'),
    done: (error, result) => callback(error, result),
  };
}

// One invocation. It ends when the handler's promise settles, or when it calls back (with
// callbackWaitsForEmptyEventLoop, once the event loop is empty), or — a synchronous handler that
// never calls back — when the event loop is empty, with a null result: Lambda's rules.
async function invoke(request) {
  const { id } = request;
  const invocation = { id, waiting: null, done: false };
  invocation.settle = (error, result, exit = false) => {
    if (invocation.done) return;
    invocation.done = true;
    current = null;
    reply(id, error, result, exit);
    process.stdin.ref?.();
    if (exit) process.exit(1);
    setImmediate(next);
  };
  current = invocation;
  try {
    handler ??= await loadHandler();
  } catch (error) {
    handler = null;
    invocation.settle(error);
    return;
  }
  const callback = (error, result) => {
    if (context.callbackWaitsForEmptyEventLoop) invocation.waiting ??= [error, result];
    else invocation.settle(error, result);
  };
  const context = makeContext(request, callback);
  process.stdin.unref?.(); // so that 'beforeExit' tells when the handler's work is all done
  let returned;
  try {
    returned = handler(request.event, context, callback);
  } catch (error) {
    invocation.settle(error);
    return;
  }
  if (returned && typeof returned.then === 'function') {
    returned.then(
      (result) => invocation.settle(null, result),
      (error) => invocation.settle(error ?? new Error('Promise rejected with a falsy reason')),
    );
  }
}

process.on('beforeExit', () => {
  if (current === null) return;
  const [error, result] = current.waiting ?? [null, undefined];
  current.settle(error, result);
});

process.on('uncaughtException', (error) => {
  if (current === null) {
    console.error(error);
    process.exit(129);
  }
  current.settle(error, undefined, true);
});

process.on('unhandledRejection', (reason) => {
  const message = isErrorLike(reason) ? `${reason.name}: ${reason.message}` : String(reason);
  const fault = new Fault('Runtime.UnhandledPromiseRejection', message, stackOf(reason));
  if (current === null) {
    console.error(`${fault.errorType}: ${message}`);
    process.exit(128);
  }
  current.settle(fault, undefined, true);
});

const queue = [];
let closing = false;

function next() {
  if (current !== null) return;
  if (queue.length) invoke(queue.shift()).catch((error) => current?.settle(error));
  else if (closing) process.exit(0);
}

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on('line', (line) => {
  if (!line.trim()) return;
  queue.push(JSON.parse(line));
  next();
});
lines.on('close', () => {
  closing = true;
  next();
});
