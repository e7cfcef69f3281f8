// The parts of drawille-canvas-blessed-contrib's canvas API that Parity uses.
declare module 'drawille-canvas-blessed-contrib' {
  class Context {
    constructor(width: number, height: number);
    strokeStyle: string | number | [number, number, number];
    beginPath(): void;
    moveTo(x: number, y: number): void;
    lineTo(x: number, y: number): void;
    stroke(): void;
    readonly _canvas: { frame(delimiter?: string): string };
  }
  export = Context;
}
