/**
 * What a loopback platform does with a request instead of (or after) answering it normally: the
 * fault vocabulary shared by the HTTP loopback servers and the crash/fault suites.
 */
export type FaultAction =
  | { kind: "status"; status: number; body: unknown; headers?: Record<string, string> } // answer this instead (post NOT accepted)
  | { kind: "destroy-before" } // destroy the socket without accepting the post
  | { kind: "destroy-after" } // accept the post, then destroy the socket without answering (answer lost)
  | { kind: "hang-after" } // accept the post, then never answer (until close())
  | { kind: "delay"; ms: number }; // wait, then answer normally
