/**
 * The binary encoding of the sealed state: a tagged tree of the values GroupState holds (objects, arrays, strings,
 * integers, bigints, bytes, booleans, null, undefined), with each object key written once and referenced after,
 * and lowercase 0x-hex strings (account keys, hashes) stored as their bytes. It grows with the state and has no
 * fixed cap; a round trip is exact (key order, bigint and bytes included). JSON cost ~430 bytes per account with a
 * receipt and one history line, and its 1 MiB cap made a replica unable to seal after a few thousand junk accounts.
 */

const TAG = {
  undefined: 0,
  null: 1,
  false: 2,
  true: 3,
  /** A safe non-negative integer number. */
  uint: 4,
  bigint: 5,
  negativeBigint: 6,
  /** Any other number, as IEEE 754 binary64. */
  float: 7,
  string: 8,
  /** A lowercase `0x…` string of whole bytes, stored as the bytes. */
  hex: 9,
  bytes: 10,
  array: 11,
  object: 12,
} as const

const LOWER_HEX = /^0x(?:[0-9a-f]{2})*$/
const utf8 = new TextEncoder()
const fromUtf8 = new TextDecoder('utf-8', { fatal: true })

/** Encodes `value`; throws on a value the format does not carry (a Map, a function, a class instance). */
export function encodeState(value: unknown): Uint8Array<ArrayBuffer> {
  const writer = createWriter()
  const keys = new Map<string, number>()
  const write = (node: unknown, path: string): void => {
    if (node === undefined) writer.byte(TAG.undefined)
    else if (node === null) writer.byte(TAG.null)
    else if (typeof node === 'boolean') writer.byte(node ? TAG.true : TAG.false)
    else if (typeof node === 'number') {
      if (Number.isSafeInteger(node) && node >= 0 && !Object.is(node, -0)) writer.tagged(TAG.uint, BigInt(node))
      else {
        writer.byte(TAG.float)
        writer.float(node)
      }
    } else if (typeof node === 'bigint') {
      if (node >= 0n) writer.tagged(TAG.bigint, node)
      else writer.tagged(TAG.negativeBigint, -node)
    } else if (typeof node === 'string') writeString(node)
    else if (node instanceof Uint8Array) {
      writer.tagged(TAG.bytes, BigInt(node.byteLength))
      writer.bytes(node)
    } else if (Array.isArray(node)) {
      writer.tagged(TAG.array, BigInt(node.length))
      node.forEach((item, index) => {
        write(item, `${path}[${index}]`)
      })
    } else if (typeof node === 'object' && Object.getPrototypeOf(node) === Object.prototype) {
      const entries = Object.entries(node)
      writer.tagged(TAG.object, BigInt(entries.length))
      for (const [key, item] of entries) {
        const known = keys.get(key)
        writer.varint(BigInt(known ?? keys.size))
        if (known === undefined) {
          keys.set(key, keys.size)
          writeString(key)
        }
        write(item, `${path}.${key}`)
      }
    } else throw new TypeError(`the sealed state cannot hold ${path} (${Object.prototype.toString.call(node)})`)
  }
  const writeString = (text: string) => {
    if (LOWER_HEX.test(text)) {
      writer.tagged(TAG.hex, BigInt((text.length - 2) / 2))
      writer.hex(text)
    } else {
      const bytes = utf8.encode(text)
      writer.tagged(TAG.string, BigInt(bytes.byteLength))
      writer.bytes(bytes)
    }
  }
  write(value, 'state')
  return writer.finish()
}

/** Decodes what `encodeState` wrote; throws on truncated or malformed bytes. */
export function decodeState(bytes: Uint8Array): unknown {
  const reader = createReader(bytes)
  const keys: string[] = []
  const read = (): unknown => {
    const tag = reader.byte()
    switch (tag) {
      case TAG.undefined:
        return undefined
      case TAG.null:
        return null
      case TAG.false:
        return false
      case TAG.true:
        return true
      case TAG.uint: {
        const value = reader.varint()
        if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError('integer out of range')
        return Number(value)
      }
      case TAG.bigint:
        return reader.varint()
      case TAG.negativeBigint:
        return -reader.varint()
      case TAG.float:
        return reader.float()
      case TAG.string:
      case TAG.hex:
        return readString(tag)
      case TAG.bytes:
        return reader.bytes(reader.length()).slice()
      case TAG.array:
        return Array.from({ length: reader.length() }, read)
      case TAG.object: {
        const node: Record<string, unknown> = {}
        for (let count = reader.length(); count > 0; count--) {
          const index = reader.length()
          if (index === keys.length) keys.push(readString(reader.byte()))
          const key = keys[index]
          if (key === undefined) throw new RangeError(`unknown key reference ${index}`)
          node[key] = read()
        }
        return node
      }
      default:
        throw new RangeError(`unknown tag ${tag}`)
    }
  }
  const readString = (tag: number): string => {
    const body = reader.bytes(reader.length())
    if (tag === TAG.hex) return `0x${Array.from(body, (b) => b.toString(16).padStart(2, '0')).join('')}`
    if (tag === TAG.string) return fromUtf8.decode(body)
    throw new RangeError(`tag ${tag} is not a string`)
  }
  const value = read()
  if (!reader.done()) throw new RangeError('trailing bytes after the sealed state')
  return value
}

function createWriter() {
  let buffer = new Uint8Array(4096)
  let at = 0
  const reserve = (n: number) => {
    if (at + n <= buffer.byteLength) return
    let size = buffer.byteLength * 2
    while (size < at + n) size *= 2
    const grown = new Uint8Array(size)
    grown.set(buffer.subarray(0, at))
    buffer = grown
  }
  const writer = {
    byte(value: number) {
      reserve(1)
      buffer[at++] = value
    },
    /** Unsigned LEB128. */
    varint(value: bigint) {
      let rest = value
      do {
        const low = Number(rest & 0x7fn)
        rest >>= 7n
        writer.byte(rest === 0n ? low : low | 0x80)
      } while (rest !== 0n)
    },
    tagged(tag: number, value: bigint) {
      writer.byte(tag)
      writer.varint(value)
    },
    float(value: number) {
      reserve(8)
      new DataView(buffer.buffer).setFloat64(at, value)
      at += 8
    },
    bytes(value: Uint8Array) {
      reserve(value.byteLength)
      buffer.set(value, at)
      at += value.byteLength
    },
    hex(value: string) {
      const length = (value.length - 2) / 2
      reserve(length)
      for (let i = 0; i < length; i++) buffer[at++] = Number.parseInt(value.slice(2 + 2 * i, 4 + 2 * i), 16)
    },
    finish: () => buffer.slice(0, at),
  }
  return writer
}

function createReader(bytes: Uint8Array) {
  let at = 0
  const need = (n: number) => {
    if (at + n > bytes.byteLength) throw new RangeError('the sealed state is truncated')
  }
  const reader = {
    byte() {
      need(1)
      return bytes[at++]!
    },
    varint() {
      let value = 0n
      for (let shift = 0n; ; shift += 7n) {
        const byte = reader.byte()
        value |= BigInt(byte & 0x7f) << shift
        if ((byte & 0x80) === 0) return value
      }
    },
    /** A varint that counts or indexes something held in memory, so it must fit in what is left. */
    length() {
      const value = reader.varint()
      if (value > BigInt(bytes.byteLength)) throw new RangeError('a length runs past the sealed state')
      return Number(value)
    },
    float() {
      need(8)
      const value = new DataView(bytes.buffer, bytes.byteOffset + at, 8).getFloat64(0)
      at += 8
      return value
    },
    bytes(length: number) {
      need(length)
      at += length
      return bytes.subarray(at - length, at)
    },
    done: () => at === bytes.byteLength,
  }
  return reader
}
