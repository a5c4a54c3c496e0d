// Bundled by esbuild into bench/dist/recogito.js for the peer page (no bundler in the app).
export { createTextAnnotator, W3CTextFormat, serializeW3CTextAnnotation } from '@recogito/text-annotator';
