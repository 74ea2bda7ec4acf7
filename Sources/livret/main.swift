import LivretCLI

await LivretCommand.runMain()
