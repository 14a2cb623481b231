/**
 * The part of the WebAssembly JS API the fast kernels use. TypeScript declares WebAssembly only in the DOM library
 * and @types/node 20 not at all, so the engine's and the CLI's typechecks (which have no DOM, on purpose) read it
 * from here. Shapes follow lib.dom.d.ts.
 */
type BufferSource = ArrayBufferView | ArrayBuffer;

declare namespace WebAssembly {
  interface MemoryDescriptor {
    initial: number;
    maximum?: number;
    shared?: boolean;
  }
  interface Memory {
    readonly buffer: ArrayBuffer;
    grow(delta: number): number;
  }
  var Memory: { prototype: Memory; new (descriptor: MemoryDescriptor): Memory };

  interface ModuleExportDescriptor {
    kind: 'function' | 'global' | 'memory' | 'table';
    name: string;
  }
  interface Module {}
  var Module: {
    prototype: Module;
    new (bytes: BufferSource): Module;
    exports(moduleObject: Module): ModuleExportDescriptor[];
  };

  interface Global {
    value: any;
    valueOf(): any;
  }
  interface Table {
    readonly length: number;
  }
  type ExportValue = Function | Global | Memory | Table;
  type Exports = Record<string, ExportValue>;
  type Imports = Record<string, Record<string, ExportValue | number>>;
  interface Instance {
    readonly exports: Exports;
  }
  var Instance: { prototype: Instance; new (module: Module, importObject?: Imports): Instance };

  function compile(bytes: BufferSource): Promise<Module>;
  function instantiate(moduleObject: Module, importObject?: Imports): Promise<Instance>;
  function validate(bytes: BufferSource): boolean;
}
