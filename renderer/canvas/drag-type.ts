/** The drag-and-drop payload type the palette sets and the canvas accepts. */
export const LAYER_DRAG_TYPE = 'application/x-layercanvas-layer';
