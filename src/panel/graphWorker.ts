import { answerRequests } from '../common/workerThread';
import { GraphState, type GraphReply, type GraphRequest } from './graphState';

/** The panel's graph on a worker thread: one loaded snapshot answering a GraphHost's requests. */
const state = new GraphState();
answerRequests<GraphRequest, GraphReply>((request, progress, token) => state.handle(request, progress, token));
