/** Returns the payload it was given: a completed job then stores a result of the payload's size. */
const run = async ({ p }: { p: string }) => ({ p })
export default run
