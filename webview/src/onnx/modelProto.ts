// A small, dependency-free encoder for ONNX ModelProto bytes (opset 17, IR version 8).
// The preview builds tiny single-purpose graphs (ConvTranspose, Resize, DepthToSpace...), so a
// hand-written protobuf writer is enough; protobufjs would need `unsafe-eval` in the webview CSP.
// Field numbers follow onnx/onnx.proto (proto2): repeated scalars are written unpacked except
// where onnx.proto declares `[packed = true]`.

export type OnnxAttributeValue =
  | { type: 'int'; value: number }
  | { type: 'ints'; value: readonly number[] }
  | { type: 'float'; value: number }
  | { type: 'floats'; value: readonly number[] }
  | { type: 'string'; value: string };

/** Plain JS values are mapped: integer → int, number (non-integer) → float, string → string,
 *  array of integers → ints, otherwise floats. Use the tagged form to force a type (e.g. a
 *  float attribute whose value happens to be a whole number). */
export type OnnxAttributeInput = OnnxAttributeValue | number | string | readonly number[];

export interface OnnxNode {
  opType: string;
  inputs: readonly string[];
  outputs: readonly string[];
  name?: string;
  domain?: string;
  attributes?: Readonly<Record<string, OnnxAttributeInput>>;
}

export type OnnxElementType = 'float32' | 'int64';

export interface OnnxInitializer {
  name: string;
  dims: readonly number[];
  /** float32 data for 'float32' (default), integer data for 'int64'. */
  data: Float32Array | readonly number[];
  type?: OnnxElementType;
}

export interface OnnxValueInfo {
  name: string;
  /** Concrete sizes, or a string for a symbolic dimension. */
  shape: readonly (number | string)[];
  type?: OnnxElementType;
}

export interface OnnxGraph {
  name?: string;
  nodes: readonly OnnxNode[];
  initializers?: readonly OnnxInitializer[];
  inputs: readonly OnnxValueInfo[];
  outputs: readonly OnnxValueInfo[];
}

export interface OnnxModelOptions {
  opsetVersion?: number;
  irVersion?: number;
  producerName?: string;
}

const ONNX_FLOAT = 1;
const ONNX_INT64 = 7;

const ATTR_FLOAT = 1;
const ATTR_INT = 2;
const ATTR_STRING = 3;
const ATTR_FLOATS = 6;
const ATTR_INTS = 7;

const WIRE_VARINT = 0;
const WIRE_LEN = 2;
const WIRE_FIXED32 = 5;

const textEncoder = new TextEncoder();

/** Appends protobuf fields to a growable byte buffer. */
class ProtoWriter {
  private bytes = new Uint8Array(256);
  private length = 0;

  private reserve(extra: number): void {
    if (this.length + extra <= this.bytes.length) return;
    let size = this.bytes.length * 2;
    while (size < this.length + extra) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }

  private rawByte(b: number): void {
    this.reserve(1);
    this.bytes[this.length++] = b;
  }

  private rawBytes(data: Uint8Array): void {
    this.reserve(data.length);
    this.bytes.set(data, this.length);
    this.length += data.length;
  }

  /** Varint of an int64; negative values take ten bytes (two's complement), as protobuf does. */
  private rawVarint(value: number | bigint): void {
    let v = BigInt.asUintN(64, BigInt(value));
    do {
      let byte = Number(v & 0x7fn);
      v >>= 7n;
      if (v !== 0n) byte |= 0x80;
      this.rawByte(byte);
    } while (v !== 0n);
  }

  private tag(field: number, wire: number): void {
    this.rawVarint((field << 3) | wire);
  }

  varint(field: number, value: number | bigint): this {
    if (typeof value === 'number' && !Number.isSafeInteger(value)) {
      throw new RangeError(`ONNX integer field ${field} needs a safe integer, got ${value}`);
    }
    this.tag(field, WIRE_VARINT);
    this.rawVarint(value);
    return this;
  }

  float(field: number, value: number): this {
    this.tag(field, WIRE_FIXED32);
    const buf = new Uint8Array(4);
    new DataView(buf.buffer).setFloat32(0, value, true);
    this.rawBytes(buf);
    return this;
  }

  bytesField(field: number, data: Uint8Array): this {
    this.tag(field, WIRE_LEN);
    this.rawVarint(data.length);
    this.rawBytes(data);
    return this;
  }

  string(field: number, text: string): this {
    return this.bytesField(field, textEncoder.encode(text));
  }

  message(field: number, build: (w: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    build(inner);
    return this.bytesField(field, inner.finish());
  }

  finish(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }
}

function normaliseAttribute(name: string, value: OnnxAttributeInput): OnnxAttributeValue {
  if (typeof value === 'number') {
    return Number.isInteger(value) ? { type: 'int', value } : { type: 'float', value };
  }
  if (typeof value === 'string') return { type: 'string', value };
  if (Array.isArray(value)) {
    const list = value as readonly number[];
    return list.every(Number.isInteger) ? { type: 'ints', value: list } : { type: 'floats', value: list };
  }
  if (typeof value === 'object' && value !== null && 'type' in value) return value;
  throw new TypeError(`attribute ${name}: unsupported value`);
}

// AttributeProto: name=1, f=2, i=3, s=4, floats=7, ints=8, type=20.
function writeAttribute(w: ProtoWriter, name: string, input: OnnxAttributeInput): void {
  const attr = normaliseAttribute(name, input);
  w.string(1, name);
  switch (attr.type) {
    case 'float':
      w.float(2, attr.value).varint(20, ATTR_FLOAT);
      break;
    case 'int':
      w.varint(3, attr.value).varint(20, ATTR_INT);
      break;
    case 'string':
      w.string(4, attr.value).varint(20, ATTR_STRING);
      break;
    case 'floats':
      for (const f of attr.value) w.float(7, f);
      w.varint(20, ATTR_FLOATS);
      break;
    case 'ints':
      for (const i of attr.value) w.varint(8, i);
      w.varint(20, ATTR_INTS);
      break;
  }
}

// NodeProto: input=1, output=2, name=3, op_type=4, attribute=5, domain=7.
function writeNode(w: ProtoWriter, node: OnnxNode): void {
  for (const input of node.inputs) w.string(1, input);
  for (const output of node.outputs) w.string(2, output);
  if (node.name) w.string(3, node.name);
  w.string(4, node.opType);
  for (const [name, value] of Object.entries(node.attributes ?? {})) {
    w.message(5, (a) => writeAttribute(a, name, value));
  }
  if (node.domain) w.string(7, node.domain);
}

function elementCount(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

// TensorProto: dims=1, data_type=2, name=8, raw_data=9 (little-endian bytes).
function writeTensor(w: ProtoWriter, tensor: OnnxInitializer): void {
  const type = tensor.type ?? 'float32';
  const count = elementCount(tensor.dims);
  if (tensor.data.length !== count) {
    throw new RangeError(`initializer ${tensor.name}: ${tensor.data.length} values for dims [${tensor.dims.join(', ')}]`);
  }
  for (const d of tensor.dims) w.varint(1, d);
  w.varint(2, type === 'int64' ? ONNX_INT64 : ONNX_FLOAT);
  w.string(8, tensor.name);
  const raw = new Uint8Array(count * (type === 'int64' ? 8 : 4));
  const view = new DataView(raw.buffer);
  for (let i = 0; i < count; i++) {
    const v = tensor.data[i]!;
    if (type === 'int64') view.setBigInt64(i * 8, BigInt(v), true);
    else view.setFloat32(i * 4, v, true);
  }
  w.bytesField(9, raw);
}

// ValueInfoProto: name=1, type=2 → TypeProto.tensor_type=1 → {elem_type=1, shape=2 → dim=1 →
// {dim_value=1 | dim_param=2}}.
function writeValueInfo(w: ProtoWriter, info: OnnxValueInfo): void {
  w.string(1, info.name);
  w.message(2, (type) =>
    type.message(1, (tensorType) => {
      tensorType.varint(1, info.type === 'int64' ? ONNX_INT64 : ONNX_FLOAT);
      tensorType.message(2, (shape) => {
        for (const d of info.shape) {
          shape.message(1, (dim) => (typeof d === 'number' ? dim.varint(1, d) : dim.string(2, d)));
        }
      });
    }),
  );
}

// GraphProto: node=1, name=2, initializer=5, input=11, output=12.
function writeGraph(w: ProtoWriter, graph: OnnxGraph): void {
  for (const node of graph.nodes) w.message(1, (n) => writeNode(n, node));
  w.string(2, graph.name ?? 'graph');
  for (const init of graph.initializers ?? []) w.message(5, (t) => writeTensor(t, init));
  for (const input of graph.inputs) w.message(11, (v) => writeValueInfo(v, input));
  for (const output of graph.outputs) w.message(12, (v) => writeValueInfo(v, output));
}

/** Encodes a ModelProto: ir_version=1, producer_name=2, graph=7, opset_import=8 {domain=1, version=2}. */
export function encodeModel(graph: OnnxGraph, options: OnnxModelOptions = {}): Uint8Array {
  const w = new ProtoWriter();
  w.varint(1, options.irVersion ?? 8);
  w.string(2, options.producerName ?? 'convlens');
  w.message(7, (g) => writeGraph(g, graph));
  w.message(8, (opset) => opset.string(1, '').varint(2, options.opsetVersion ?? 17));
  return w.finish();
}
