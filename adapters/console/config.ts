import { z } from "zod";

export const consoleConfig = z
  .object({
    output: z
      .enum(["stdout", "stderr"])
      .default("stdout")
      .register(z.globalRegistry, { description: "Stream the post is printed to." }),
    file: z
      .string()
      .min(1)
      .optional()
      .register(z.globalRegistry, { description: "Also append each post as one JSON line to this file (relative to the config file's folder)." }),
    width: z.number().int().min(20).default(72).register(z.globalRegistry, { description: "Width of the printed frame." }),
  })
  .strict();

export type ConsoleConfig = z.infer<typeof consoleConfig>;
