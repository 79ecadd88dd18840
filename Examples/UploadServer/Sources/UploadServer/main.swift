import UploadRegistry

await UploadServerCommand.runFromCommandLine()
