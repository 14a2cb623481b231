/** The panels about training (Train, Inside, Predict) as one chunk, loaded after the first paint. */
export { TrainPanel } from './train/TrainPanel';
export { InsidePanel } from './inside/InsidePanel';
export { PredictPanel } from './predict/PredictPanel';
